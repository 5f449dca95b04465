"""Writes of the resident register. Each one runs in a transaction and writes the register's
history (who, when, which case) and an audit event with it."""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass, field

import holidays
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from rathaus.core.audit import audit_event_record

from .constants import (
    AUSKUNFTSSPERRE_YEARS,
    RUECKMELDUNG_ANSWER_WORKING_DAYS,
    BlockKind,
    FamilyRelation,
    MessageStatus,
    RegisterAction,
    RegisterErrorCode,
    ResidenceKind,
    years_later_last_day,
)
from .errors import RegisterError
from .messages import PostalAddress, RueckmeldungData, rueckmeldung_xml
from .models import (
    AssignmentCode,
    Block,
    FamilyLink,
    ObjectionType,
    OutboxMessage,
    Person,
    RegisterChange,
    Residence,
    Street,
)
from .selectors import (
    CODE_ALPHABET,
    code_digest,
    code_normalise,
    code_person_digest,
    dwelling_digest,
    fold,
    person_match_digest,
)


@dataclass(frozen=True)
class PersonData:
    family_name: str
    given_names: str
    birth_date: datetime.date
    sex: str
    birth_name: str = ""
    birth_place: str = ""
    doctorate: str = ""
    nationalities: list[str] = field(default_factory=lambda: ["DE"])
    religion: str = ""


@dataclass(frozen=True)
class Address:
    street: str
    house_number: str
    postal_code: str
    city: str
    addition: str = ""


def _change(*, person: Person, action: str, fields: list[str], actor, case) -> None:
    RegisterChange.objects.create(
        municipality_id=person.municipality_id,
        person=person,
        action=action,
        fields=fields,
        actor=actor if actor is not None and actor.is_authenticated else None,
        case=case,
    )
    audit_event_record(
        action=f"register.{action}",
        actor=actor,
        municipality=person.municipality,
        target=person,
        data={"fields": fields, "case": case.pk if case is not None else None},
    )


def person_build(*, municipality, data: PersonData) -> Person:
    """A person row with its match digest, not saved (``person_create``, the demo's bulk load)."""
    return Person(
        municipality=municipality,
        family_name=data.family_name,
        given_names=data.given_names,
        birth_name=data.birth_name,
        doctorate=data.doctorate,
        birth_date=data.birth_date,
        birth_place=data.birth_place,
        sex=data.sex,
        nationalities=list(data.nationalities),
        religion=data.religion,
        match_digest=person_match_digest(
            family_name=data.family_name, given_names=data.given_names, birth_date=data.birth_date
        ),
    )


@transaction.atomic
def person_create(*, municipality, data: PersonData, actor=None, case=None) -> Person:
    person = person_build(municipality=municipality, data=data)
    person.full_clean(exclude=["municipality"])
    person.save()
    _change(
        person=person,
        action=RegisterAction.PERSON_CREATED,
        fields=sorted(
            name for name in PersonData.__dataclass_fields__ if getattr(data, name) not in ("", [])
        ),
        actor=actor,
        case=case,
    )
    return person


def residence_build(
    *, person: Person, address: Address, kind: str, moved_in: datetime.date
) -> Residence:
    return Residence(
        municipality_id=person.municipality_id,
        person=person,
        kind=kind,
        street=address.street,
        house_number=address.house_number,
        address_addition=address.addition,
        postal_code=address.postal_code,
        city=address.city,
        dwelling_digest=dwelling_digest(
            street=address.street,
            house_number=address.house_number,
            postal_code=address.postal_code,
        ),
        moved_in=moved_in,
    )


@transaction.atomic
def residence_move_in(
    *,
    person: Person,
    address: Address,
    kind: str,
    moved_in: datetime.date,
    actor=None,
    case=None,
) -> Residence:
    """Register ``person`` in a dwelling from ``moved_in``. A new main residence ends the open
    one (the person moved out the day before), in the same transaction; two moves racing for one
    person never leave two open main residences (database constraint; the loser is refused with
    ``second_main_residence``)."""
    locked = Person.objects.select_for_update().get(
        pk=person.pk, municipality=person.municipality_id
    )
    if kind == ResidenceKind.MAIN:
        for current in Residence.objects.filter(
            municipality=locked.municipality_id,
            person=locked,
            kind=ResidenceKind.MAIN,
            moved_out__isnull=True,
        ):
            current.moved_out = max(current.moved_in, moved_in - datetime.timedelta(days=1))
            current.save(update_fields=["moved_out"])
            _change(
                person=locked,
                action=RegisterAction.MOVED_OUT,
                fields=["main residence"],
                actor=actor,
                case=case,
            )
    residence = residence_build(person=locked, address=address, kind=kind, moved_in=moved_in)
    try:
        with transaction.atomic():
            residence.save()
    except IntegrityError as exc:
        raise RegisterError(RegisterErrorCode.SECOND_MAIN_RESIDENCE) from exc
    _change(
        person=locked,
        action=RegisterAction.MOVED_IN,
        fields=[f"{kind} residence"],
        actor=actor,
        case=case,
    )
    return residence


@transaction.atomic
def residence_move_out(
    *, residence: Residence, moved_out: datetime.date, actor=None, case=None
) -> Residence:
    """End a residence (a move abroad, giving up a secondary residence)."""
    locked = Residence.objects.select_for_update().get(
        pk=residence.pk, municipality=residence.municipality_id
    )
    locked.moved_out = moved_out
    locked.full_clean(exclude=["municipality", "person"])
    locked.save(update_fields=["moved_out"])
    _change(
        person=locked.person,
        action=RegisterAction.MOVED_OUT,
        fields=[f"{locked.kind} residence"],
        actor=actor,
        case=case,
    )
    return locked


@transaction.atomic
def family_link(
    *, person: Person, relative: Person, relation: str, custody: bool = False, actor=None
) -> FamilyLink:
    """``relative`` is ``person``'s spouse (linked both ways) or child."""
    link, _created = FamilyLink.objects.get_or_create(
        municipality_id=person.municipality_id,
        person=person,
        relative=relative,
        relation=relation,
        defaults={"custody": custody},
    )
    if relation == FamilyRelation.SPOUSE:
        FamilyLink.objects.get_or_create(
            municipality_id=person.municipality_id,
            person=relative,
            relative=person,
            relation=relation,
        )
    _change(
        person=person,
        action=RegisterAction.FAMILY_LINKED,
        fields=[relation],
        actor=actor,
        case=None,
    )
    return link


@transaction.atomic
def block_set(
    *,
    person: Person,
    kind: str,
    valid_from: datetime.date,
    objection_key: str = "",
    reason: str = "",
    actor=None,
    case=None,
) -> Block:
    """Set an Auskunftssperre (§51 BMG: two years, renewable) or an Übermittlungssperre for an
    objection in force on ``valid_from`` (an objection the law no longer offers is refused)."""
    objection = None
    valid_until = None
    if kind == BlockKind.AUSKUNFTSSPERRE:
        valid_until = years_later_last_day(valid_from, AUSKUNFTSSPERRE_YEARS)
    else:
        objection = ObjectionType.objects.filter(key=objection_key).first()
        if objection is None or not objection.in_force(valid_from):
            raise RegisterError(RegisterErrorCode.OBJECTION_NOT_OFFERED)
    block = Block(
        municipality_id=person.municipality_id,
        person=person,
        kind=kind,
        objection=objection,
        valid_from=valid_from,
        valid_until=valid_until,
        reason=reason,
    )
    block.full_clean(exclude=["municipality", "person", "objection"])
    block.save()
    _change(
        person=person,
        action=RegisterAction.BLOCK_SET,
        fields=[objection.legal_basis if objection else kind],
        actor=actor,
        case=case,
    )
    return block


@transaction.atomic
def block_end(*, block: Block, on: datetime.date, actor=None, case=None) -> Block:
    """Revoke a block from ``on`` (it was in force until the day before). A block revoked on
    the day it began ends before it began: it was never in force."""
    locked = Block.objects.select_for_update().get(pk=block.pk, municipality=block.municipality_id)
    locked.valid_until = on - datetime.timedelta(days=1)
    locked.save(update_fields=["valid_until"])
    _change(
        person=locked.person,
        action=RegisterAction.BLOCK_ENDED,
        fields=[locked.objection.legal_basis if locked.objection else locked.kind],
        actor=actor,
        case=case,
    )
    return locked


def block_reminder_mark(*, block: Block, on: datetime.date) -> bool:
    """Note that the renewal reminder of ``block`` was sent on ``on``. False when it had been
    sent already (two runs of the reminder task send it once)."""
    return bool(
        Block.objects.filter(
            pk=block.pk, municipality=block.municipality_id, reminder_sent_on__isnull=True
        ).update(reminder_sent_on=on)
    )


def streets_load(*, municipality, sections: list[tuple[str, str, int, int, str]]) -> int:
    """Write the town's street directory: (name, postal code, from, to, parity) per section.
    Idempotent: existing sections are kept. Returns how many were added."""
    existing = set(
        Street.objects.filter(municipality=municipality).values_list(
            "name", "postal_code", "number_from"
        )
    )
    new = [
        Street(
            municipality=municipality,
            name=name,
            search_name=fold(name),
            postal_code=postal_code,
            number_from=number_from,
            number_to=number_to,
            parity=parity,
        )
        for name, postal_code, number_from, number_to, parity in sections
        if (name, postal_code, number_from) not in existing
    ]
    Street.objects.bulk_create(new)
    return len(new)


# --- assignment codes (Zuordnungsmerkmal, §19(4) BMG; code letter, §23a(3) BMG) ------------------
def code_display(code: str) -> str:
    """XXXX-XXXX-XXXX, as printed and typed."""
    plain = code_normalise(code)
    return "-".join(plain[i : i + 4] for i in range(0, len(plain), 4))


@transaction.atomic
def assignment_code_issue(
    *,
    municipality,
    kind: str,
    address: Address,
    moved_in: datetime.date,
    persons: list[tuple[str, str]],
    case=None,
    actor=None,
) -> AssignmentCode:
    """A new code for a move of ``persons`` ((given names, family name)) into the dwelling at
    ``address`` on ``moved_in``, valid for ``RATHAUS_ASSIGNMENT_CODE_DAYS`` days. ``case``: the
    landlord's confirmation or the Anmeldung it was issued for."""
    for attempt in range(3):
        plain = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))  # ~59 bits
        try:
            with transaction.atomic():
                issued = AssignmentCode.objects.create(
                    municipality=municipality,
                    kind=kind,
                    code=plain,
                    code_digest=code_digest(plain),
                    dwelling_digest=dwelling_digest(
                        street=address.street,
                        house_number=address.house_number,
                        postal_code=address.postal_code,
                    ),
                    moved_in=moved_in,
                    person_digests=sorted(
                        {
                            code_person_digest(given_names=given, family_name=family)
                            for given, family in persons
                        }
                    ),
                    expires_at=timezone.now()
                    + datetime.timedelta(days=settings.RATHAUS_ASSIGNMENT_CODE_DAYS),
                    issued_for=case,
                )
            break
        except IntegrityError:  # the same code drawn twice (about 2^-59)
            if attempt == 2:
                raise
    audit_event_record(
        action="register.assignment_code_issued",
        actor=actor,
        municipality=municipality,
        target=issued,
        data={"kind": kind, "case": case.pk if case is not None else None},
    )
    return issued


@transaction.atomic
def assignment_code_take(*, municipality, code: str, case) -> bool:
    """Mark ``code`` used by ``case``, once: a conditional update, so two registrations racing
    for one code leave it with one of them. True when ``case`` holds it (also when it already
    did)."""
    digest = code_digest(code)
    taken = AssignmentCode.objects.filter(
        municipality=municipality,
        code_digest=digest,
        used_by__isnull=True,
        revoked_at__isnull=True,
        expires_at__gte=timezone.now(),
    ).update(used_by=case, used_at=timezone.now())
    if taken:
        audit_event_record(
            action="register.assignment_code_used",
            actor=None,
            municipality=municipality,
            target=case,
            data={"case": case.pk},
        )
        return True
    return AssignmentCode.objects.filter(
        municipality=municipality, code_digest=digest, used_by=case
    ).exists()


@transaction.atomic
def assignment_code_release(*, case) -> int:
    """A rejected or withdrawn registration gives its code back; a rejected landlord
    confirmation's own code is revoked."""
    released = AssignmentCode.objects.filter(
        municipality=case.municipality_id, used_by=case
    ).update(used_by=None, used_at=None)
    AssignmentCode.objects.filter(municipality=case.municipality_id, issued_for=case).filter(
        kind="landlord"
    ).update(revoked_at=timezone.now())
    return released


# --- Rückmeldung (§33(1) BMG, XMeld 0202) ---------------------------------------------------------
def working_days_after(day: datetime.date, count: int, *, state: str) -> datetime.date:
    """The ``count``-th working day after ``day`` (Monday to Friday, not a public holiday of the
    town's state)."""
    found = day
    left = count
    while left:
        found += datetime.timedelta(days=1)
        if found.weekday() < 5 and found not in holidays.Germany(subdiv=state, years=found.year):
            left -= 1
    return found


@transaction.atomic
def rueckmeldung_write(
    *,
    person: Person,
    new_address: Address,
    kind: str,
    moved_in: datetime.date,
    previous_address: Address,
    case=None,
) -> OutboxMessage:
    """Write a Rückmeldung to the office of ``person``'s previous dwelling into the outbox: one
    row with the XML message, awaiting the 0203 answer within three working days."""
    municipality = person.municipality
    now = timezone.now()
    due = working_days_after(
        timezone.localtime(now).date(),
        RUECKMELDUNG_ANSWER_WORKING_DAYS,
        state=municipality.state,
    )
    message = OutboxMessage(
        municipality=municipality,
        person=person,
        case=case,
        recipient=f"{previous_address.postal_code} {previous_address.city}",
        answer_due=due,
    )
    message.content = rueckmeldung_xml(
        RueckmeldungData(
            message_id=message.public_id,
            created_at=timezone.localtime(now),
            answer_due=due,
            sender_ags=municipality.ags,
            sender_name=municipality.name,
            family_name=person.family_name,
            given_names=person.given_names,
            birth_name=person.birth_name,
            birth_date=person.birth_date,
            birth_place=person.birth_place,
            sex=person.sex,
            new_address=PostalAddress(**vars(new_address)),
            moved_in=moved_in,
            kind=kind,
            previous_address=PostalAddress(**vars(previous_address)),
        )
    ).decode("utf-8")
    message.save()
    audit_event_record(
        action="register.rueckmeldung_written",
        actor=None,
        municipality=municipality,
        target=message,
        data={"case": case.pk if case is not None else None},
    )
    return message


@transaction.atomic
def rueckmeldung_answered(*, message: OutboxMessage, at: datetime.datetime | None = None) -> None:
    """The previous office's 0203 arrived for ``message``."""
    OutboxMessage.objects.filter(pk=message.pk, municipality=message.municipality_id).update(
        status=MessageStatus.ANSWERED, answered_at=at or timezone.now()
    )


@transaction.atomic
def rueckmeldungen_overdue_mark(*, today: datetime.date | None = None) -> list[OutboxMessage]:
    """Rückmeldungen whose 0203 is past due are marked overdue (for the clerk to follow up).
    Returns the messages marked now."""
    day = today or timezone.localdate()
    due = list(
        OutboxMessage.objects.select_for_update(skip_locked=True).filter(
            status=MessageStatus.AWAITING_ANSWER, answer_due__lt=day
        )
    )
    now = timezone.now()
    for message in due:
        message.status = MessageStatus.OVERDUE
        message.overdue_at = now
        message.save(update_fields=["status", "overdue_at"])
    return due
