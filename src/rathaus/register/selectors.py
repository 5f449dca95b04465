"""Reads of the resident register. Every query names the municipality.

What a third party learns about a person under an Auskunftssperre (§51 BMG) is exactly what it
learns about a person who does not exist: ``entitled=False`` look-ups return None for both."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from rathaus.core.crypto import blind_index

from .constants import (
    AssignmentCodeKind,
    BlockKind,
    FamilyRelation,
    RegisterErrorCode,
    ResidenceKind,
)
from .messages import xml_parse_valid
from .models import AssignmentCode, Block, FamilyLink, ObjectionType, Person, Residence, Street

PERSON_MATCH_PURPOSE = "register-person-match"
DWELLING_PURPOSE = "register-dwelling"
CODE_PURPOSE = "register-assignment-code"
CODE_PERSON_PURPOSE = "register-assignment-code-person"
# Unambiguous when read aloud or from paper: no 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
SUGGESTION_LIMIT = 8
HOUSE_NUMBER = re.compile(r"^\s*(\d{1,4})\s*([a-zA-Z]?)\s*$")
FOLDS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "é": "e", "-": " "})


def fold(text: str) -> str:
    """Lower case, umlauts spelled out, "Str." as "strasse", single spaces: how names compare."""
    folded = " ".join((text or "").lower().translate(FOLDS).split())
    return re.sub(r"\bstr\.?$", "strasse", folded)


def person_match_digest(*, family_name: str, given_names: str, birth_date: datetime.date) -> str:
    return blind_index(
        f"{fold(family_name)}|{fold(given_names)}|{birth_date.isoformat()}",
        purpose=PERSON_MATCH_PURPOSE,
    )


def dwelling_digest(*, street: str, house_number: str, postal_code: str) -> str:
    return blind_index(
        f"{fold(street)}|{fold(house_number).replace(' ', '')}|{postal_code.strip()}",
        purpose=DWELLING_PURPOSE,
    )


# --- street directory ----------------------------------------------------------------------------
@dataclass(frozen=True)
class StreetSuggestion:
    name: str
    postal_codes: tuple[str, ...]


def street_suggestions(
    *, municipality, text: str, limit: int = SUGGESTION_LIMIT
) -> list[StreetSuggestion]:
    """Streets of the town whose name starts with ``text`` (then those that contain it), for
    suggestions as the citizen types."""
    query = fold(text)
    if len(query) < 2:
        return []
    rows = (
        Street.objects.filter(municipality=municipality, search_name__contains=query)
        .order_by("name")
        .values_list("name", "search_name", "postal_code")
    )
    found: dict[str, tuple[bool, set[str]]] = {}
    for name, search_name, postal_code in rows[:200]:
        _starts, codes = found.setdefault(name, (search_name.startswith(query), set()))
        codes.add(postal_code)
    ranked = sorted(found.items(), key=lambda item: (not item[1][0], item[0]))
    return [
        StreetSuggestion(name=name, postal_codes=tuple(sorted(codes)))
        for name, (_starts, codes) in ranked[:limit]
    ]


def street_names(*, municipality) -> list[str]:
    """Every street name of the town's directory, once, in order (the suggestions a page offers
    without script: an HTML datalist)."""
    return list(
        Street.objects.filter(municipality=municipality)
        .order_by("name")
        .values_list("name", flat=True)
        .distinct()
    )


def address_check(
    *, municipality, street: str, house_number: str, postal_code: str
) -> RegisterErrorCode | None:
    """Whether the address exists in the town's street directory: None, or why not."""
    sections = list(Street.objects.filter(municipality=municipality, search_name=fold(street)))
    if not sections:
        return RegisterErrorCode.UNKNOWN_STREET
    parsed = HOUSE_NUMBER.match(house_number or "")
    if parsed is None:
        return RegisterErrorCode.NOT_A_HOUSE_NUMBER
    number = int(parsed.group(1))
    covering = [section for section in sections if section.covers(number)]
    if not covering:
        return RegisterErrorCode.HOUSE_NUMBER_OUT_OF_RANGE
    if all(section.postal_code != postal_code.strip() for section in covering):
        return RegisterErrorCode.WRONG_POSTAL_CODE
    return None


# --- persons -------------------------------------------------------------------------------------
def _today() -> datetime.date:
    return timezone.localdate()


def blocks_in_force(*, person: Person, kind: str = "", on: datetime.date | None = None):
    day = on or _today()
    blocks = Block.objects.filter(municipality=person.municipality_id, person=person)
    if kind:
        blocks = blocks.filter(kind=kind)
    return [block for block in blocks.select_related("objection") if block.in_force(day)]


def has_auskunftssperre(*, person: Person, on: datetime.date | None = None) -> bool:
    return bool(blocks_in_force(person=person, kind=BlockKind.AUSKUNFTSSPERRE, on=on))


def person_match(
    *,
    municipality,
    family_name: str,
    given_names: str,
    birth_date: datetime.date,
    entitled: bool,
) -> Person | None:
    """The one person registered with exactly these names and date of birth, or None (none, or
    several). ``entitled``: the asker may know about the person even under an Auskunftssperre (the
    person themself, a clerk); anyone else gets None for a blocked person, as for an unknown one."""
    digest = person_match_digest(
        family_name=family_name, given_names=given_names, birth_date=birth_date
    )
    found = list(Person.objects.filter(municipality=municipality, match_digest=digest)[:2])
    if len(found) != 1:
        return None
    person = found[0]
    if not entitled and has_auskunftssperre(person=person):
        return None
    return person


def residence_current(*, person: Person, kind: str = ResidenceKind.MAIN) -> Residence | None:
    return (
        Residence.objects.filter(
            municipality=person.municipality_id, person=person, kind=kind, moved_out__isnull=True
        )
        .order_by("-moved_in")
        .first()
    )


def residences_of(*, person: Person) -> QuerySet[Residence]:
    return Residence.objects.filter(municipality=person.municipality_id, person=person)


def family_for_prefill(*, person: Person) -> list[tuple[str, Person]]:
    """Spouse and children of ``person`` (with custody) who live in the person's main dwelling,
    for "who moves with you": never anyone under an Auskunftssperre (§51 BMG, §23a BMG).

    Four statements whatever the size of the family (every page of a journey asks)."""
    home = residence_current(person=person)
    if home is None:
        return []
    links = [
        link
        for link in FamilyLink.objects.filter(municipality=person.municipality_id, person=person)
        .select_related("relative")
        .order_by("relation", "pk")
        if link.relation != FamilyRelation.CHILD or link.custody
    ]
    if not links:
        return []
    relatives = [link.relative_id for link in links]
    homes: dict[int, Residence] = {}
    for residence in Residence.objects.filter(
        municipality=person.municipality_id,
        person__in=relatives,
        kind=ResidenceKind.MAIN,
        moved_out__isnull=True,
    ).order_by("person", "-moved_in"):
        homes.setdefault(residence.person_id, residence)  # the newest, as ``residence_current``
    day = _today()
    blocked = {
        block.person_id
        for block in Block.objects.filter(
            municipality=person.municipality_id,
            person__in=relatives,
            kind=BlockKind.AUSKUNFTSSPERRE,
        ).select_related("objection")
        if block.in_force(day)  # the same rule as ``has_auskunftssperre``
    }
    return [
        (link.relation, link.relative)
        for link in links
        if link.relative_id not in blocked
        and link.relative_id in homes
        and homes[link.relative_id].dwelling_digest == home.dwelling_digest
    ]


def objections_offered(*, on: datetime.date | None = None) -> list[ObjectionType]:
    """The objections a person may lodge today (in force on ``on``)."""
    day = on or _today()
    return [objection for objection in ObjectionType.objects.all() if objection.in_force(day)]


def blocked_person_ids(*, municipality, on: datetime.date) -> set[int]:
    """Persons under an Auskunftssperre on ``on`` (for lists that must leave them out)."""
    return set(
        Block.objects.filter(
            municipality=municipality,
            kind=BlockKind.AUSKUNFTSSPERRE,
            valid_from__lte=on,
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .values_list("person_id", flat=True)
    )


# --- assignment codes (Zuordnungsmerkmal, §19(4) BMG; code letter, §23a(3) BMG) ------------------
def code_normalise(code: str) -> str:
    """The code as stored: upper case, without spaces and dashes."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def code_digest(code: str) -> str:
    return blind_index(code_normalise(code), purpose=CODE_PURPOSE)


def code_person_digest(*, given_names: str, family_name: str) -> str:
    """A person a code serves, by first given name and family name: a landlord often writes only
    the name people go by."""
    first = (fold(given_names).split() or [""])[0]
    return blind_index(f"{first}|{fold(family_name)}", purpose=CODE_PERSON_PURPOSE)


@dataclass(frozen=True)
class CodeRefusal:
    code: RegisterErrorCode
    details: dict


def assignment_code_check(
    *,
    municipality,
    code: str,
    street: str,
    house_number: str,
    postal_code: str,
    moved_in: datetime.date,
    persons: list[tuple[str, str]],
    case=None,
    now: datetime.datetime | None = None,
) -> CodeRefusal | None:
    """Whether ``code`` serves this move: this dwelling, this date, every one of ``persons``
    ((given names, family name)), not expired, not used by another case. None: it does. A
    parent's consent code is no assignment code: unknown here."""
    found = (
        AssignmentCode.objects.filter(
            municipality=municipality, code_digest=code_digest(code), revoked_at__isnull=True
        )
        .exclude(kind=AssignmentCodeKind.CUSTODY_CONSENT)
        .first()
    )
    if found is None:
        return CodeRefusal(RegisterErrorCode.CODE_UNKNOWN, {})
    if found.used_by_id is not None and (case is None or found.used_by_id != case.pk):
        return CodeRefusal(RegisterErrorCode.CODE_USED, {})
    if found.expires_at < (now or timezone.now()):
        return CodeRefusal(
            RegisterErrorCode.CODE_EXPIRED,
            {"expired": timezone.localtime(found.expires_at).date()},
        )
    digest = dwelling_digest(street=street, house_number=house_number, postal_code=postal_code)
    if found.dwelling_digest != digest:
        return CodeRefusal(RegisterErrorCode.CODE_WRONG_DWELLING, {})
    if found.moved_in != moved_in:
        return CodeRefusal(RegisterErrorCode.CODE_WRONG_DATE, {"moved_in": found.moved_in})
    named = set(found.person_digests)
    for given_names, family_name in persons:
        if code_person_digest(given_names=given_names, family_name=family_name) not in named:
            return CodeRefusal(
                RegisterErrorCode.CODE_WRONG_PERSON, {"name": f"{given_names} {family_name}"}
            )
    return None


def code_letter_check(*, case, code: str, now: datetime.datetime | None = None):
    """Whether ``code`` is the code of a letter sent for ``case`` (§23a(3) BMG), entered on that
    waiting registration: known, sent for this case (not a landlord's code, not another
    case's letter), not used by another case, not expired. None: it is."""
    found = AssignmentCode.objects.filter(
        municipality=case.municipality_id, code_digest=code_digest(code), revoked_at__isnull=True
    ).first()
    if found is None:
        return CodeRefusal(RegisterErrorCode.CODE_UNKNOWN, {})
    if found.kind != AssignmentCodeKind.CODE_LETTER or found.issued_for_id != case.pk:
        return CodeRefusal(RegisterErrorCode.CODE_OTHER_CASE, {})
    if found.used_by_id is not None and found.used_by_id != case.pk:
        return CodeRefusal(RegisterErrorCode.CODE_USED, {})
    if found.expires_at < (now or timezone.now()):
        return CodeRefusal(
            RegisterErrorCode.CODE_EXPIRED,
            {"expired": timezone.localtime(found.expires_at).date()},
        )
    return None


def code_letter_used(*, case) -> bool:
    """Whether a code letter sent for ``case`` was entered for it (§23a(3) BMG: the person
    receives mail at the new dwelling)."""
    return AssignmentCode.objects.filter(
        municipality=case.municipality_id,
        kind=AssignmentCodeKind.CODE_LETTER,
        issued_for=case,
        used_by=case,
        revoked_at__isnull=True,
    ).exists()


def assignment_code_for_case(*, case, kind: str = "") -> AssignmentCode | None:
    """The code issued for ``case`` (a landlord's confirmation, a code letter, a parent's
    consent code), the latest of ``kind`` if named."""
    codes = AssignmentCode.objects.filter(municipality=case.municipality_id, issued_for=case)
    if kind:
        codes = codes.filter(kind=kind)
    return codes.order_by("-created_at", "-pk").first()


def consent_codes_reminder_due(*, now: datetime.datetime, within: datetime.timedelta) -> list[int]:
    """Ids of the consent codes (all towns) still open — not used, not revoked, not yet
    reminded of — that end within ``within`` from ``now``."""
    return list(
        AssignmentCode.objects.filter(
            kind=AssignmentCodeKind.CUSTODY_CONSENT,
            used_by__isnull=True,
            revoked_at__isnull=True,
            reminded_at__isnull=True,
            expires_at__gt=now,
            expires_at__lte=now + within,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def consent_code_check(
    *,
    municipality,
    code: str,
    given_names: str,
    family_name: str,
    birth_date: datetime.date,
    now: datetime.datetime | None = None,
) -> tuple[CodeRefusal | None, AssignmentCode | None]:
    """Whether ``code`` is a parent's consent code of this town that the person with these
    names and date of birth (the eID's) may answer: known, not revoked, not used, not expired,
    and naming exactly this person (the register's keyed hash). Returns (None, the code) when
    it is, else (why not, None) — never the code, so a refusal shows nothing of the case."""
    found = AssignmentCode.objects.filter(
        municipality=municipality,
        code_digest=code_digest(code),
        kind=AssignmentCodeKind.CUSTODY_CONSENT,
        revoked_at__isnull=True,
    ).first()
    if found is None:
        return CodeRefusal(RegisterErrorCode.CODE_UNKNOWN, {}), None
    if found.used_by_id is not None:
        return CodeRefusal(RegisterErrorCode.CODE_USED, {}), None
    if found.expires_at < (now or timezone.now()):
        expired = timezone.localtime(found.expires_at).date()
        return CodeRefusal(RegisterErrorCode.CODE_EXPIRED, {"expired": expired}), None
    digest = person_match_digest(
        family_name=family_name, given_names=given_names, birth_date=birth_date
    )
    if digest not in found.person_digests:
        return CodeRefusal(RegisterErrorCode.CODE_WRONG_PERSON, {}), None
    return None, found


def custody_parents(*, child: Person) -> list[Person]:
    """The persons the register knows to have custody of ``child``, for offering them as "the
    other parent": never anyone under an Auskunftssperre (§51 BMG)."""
    links = (
        FamilyLink.objects.filter(
            municipality=child.municipality_id,
            relative=child,
            relation=FamilyRelation.CHILD,
            custody=True,
        )
        .select_related("person")
        .order_by("pk")
    )
    return [link.person for link in links if not has_auskunftssperre(person=link.person)]


def has_custody(*, parent: Person, child: Person) -> bool:
    """Whether the register records ``parent``'s custody of ``child``."""
    return FamilyLink.objects.filter(
        municipality=child.municipality_id,
        person=parent,
        relative=child,
        relation=FamilyRelation.CHILD,
        custody=True,
    ).exists()


def assignment_code_used_by(*, case, code: str) -> bool:
    """Whether ``code`` was taken by ``case`` (and not revoked since)."""
    return AssignmentCode.objects.filter(
        municipality=case.municipality_id,
        code_digest=code_digest(code),
        used_by=case,
        revoked_at__isnull=True,
    ).exists()


def xmeld_message_parse(*, xml: bytes, schema: str):
    """An incoming XML message parsed (no entities, no network) and checked against one of the
    project's schemas in ``xmeld/``; raises ``errors.MessageInvalid``."""
    return xml_parse_valid(xml, schema=schema)
