"""Persons, their residences (moving in and out) and their family links."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction

from ..constants import FamilyRelation, RegisterAction, RegisterErrorCode, ResidenceKind
from ..errors import RegisterError
from ..models import FamilyLink, Person, Residence
from ..selectors import dwelling_digest, person_match_digest
from .data import Address, PersonData
from .history import change_record


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
    change_record(
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
            change_record(
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
    change_record(
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
    change_record(
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
    change_record(
        person=person,
        action=RegisterAction.FAMILY_LINKED,
        fields=[relation],
        actor=actor,
        case=None,
    )
    return link
