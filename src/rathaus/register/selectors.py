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

from .constants import BlockKind, FamilyRelation, RegisterErrorCode, ResidenceKind
from .models import Block, FamilyLink, ObjectionType, Person, Residence, Street

PERSON_MATCH_PURPOSE = "register-person-match"
DWELLING_PURPOSE = "register-dwelling"
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
    for "who moves with you": never anyone under an Auskunftssperre (§51 BMG, §23a BMG)."""
    home = residence_current(person=person)
    if home is None:
        return []
    links = (
        FamilyLink.objects.filter(municipality=person.municipality_id, person=person)
        .select_related("relative")
        .order_by("relation", "pk")
    )
    family = []
    for link in links:
        if link.relation == FamilyRelation.CHILD and not link.custody:
            continue
        relative = link.relative
        relative_home = residence_current(person=relative)
        if relative_home is None or relative_home.dwelling_digest != home.dwelling_digest:
            continue
        if has_auskunftssperre(person=relative):
            continue
        family.append((link.relation, relative))
    return family


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
