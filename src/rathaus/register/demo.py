"""Demo register: the street directories of Norderstedt and Reinbek (real street names, house
number ranges made for the demo) and about 2,000 invented residents per town — families with
minors, people living alone, some with a secondary residence, one person under an
Auskunftssperre. Deterministic (a fixed seed per town) and idempotent.

``residents_load(municipality, count)`` also serves the benchmark's 100,000 residents."""

from __future__ import annotations

import datetime
import random

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from rathaus.accounts.demo import DEMO_CITIZENS
from rathaus.tenants.models import Municipality

from .constants import BlockKind, FamilyRelation, ResidenceKind, Sex
from .models import Block, FamilyLink, Person, Residence
from .services import Address, PersonData, person_build, residence_build, streets_load

EVERY, ODD, EVEN = "all", "odd", "even"
STREETS = {
    "norderstedt": [
        ("Rathausallee", "22846", 1, 90, EVERY),
        ("Ulzburger Straße", "22846", 1, 199, EVERY),
        ("Ulzburger Straße", "22850", 200, 680, EVERY),
        ("Segeberger Chaussee", "22850", 1, 120, EVERY),
        ("Segeberger Chaussee", "22851", 121, 360, EVERY),
        ("Ohechaussee", "22848", 1, 240, EVERY),
        ("Friedrichsgaber Weg", "22846", 1, 340, EVERY),
        ("Harckesheyde", "22844", 1, 90, EVERY),
        ("Langenharmer Weg", "22844", 1, 260, EVERY),
        ("Glashütter Damm", "22851", 1, 300, EVERY),
        ("Poppenbütteler Straße", "22851", 1, 140, EVERY),
        ("Schmuggelstieg", "22848", 1, 40, EVERY),
        ("Niendorfer Straße", "22848", 1, 120, EVERY),
        ("Kohfurth", "22850", 1, 60, EVERY),
        ("Alter Kirchenweg", "22844", 1, 110, EVERY),
        ("Berliner Allee", "22850", 1, 80, EVERY),
        ("Buchenweg", "22844", 1, 50, EVERY),
        ("Tannenhofstraße", "22848", 1, 70, EVERY),
    ],
    "reinbek": [
        ("Bahnhofstraße", "21465", 1, 60, EVERY),
        ("Schloßstraße", "21465", 1, 30, EVERY),
        ("Hamburger Straße", "21465", 1, 160, EVERY),
        ("Sophienstraße", "21465", 1, 40, EVERY),
        ("Loddenallee", "21465", 1, 80, EVERY),
        ("Täbyallee", "21465", 1, 40, EVERY),
        ("Klosterbergenstraße", "21465", 1, 70, EVERY),
        ("Mühlenredder", "21465", 1, 60, EVERY),
        ("Schmiedesberg", "21465", 1, 30, EVERY),
        ("Kampstraße", "21465", 1, 40, ODD),
        ("Kampstraße", "21465", 2, 38, EVEN),
    ],
}
CITY = {"norderstedt": "Norderstedt", "reinbek": "Reinbek"}
FAMILY_NAMES = [
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Braun",
    "Hofmann",
    "Zimmermann",
    "Hartmann",
    "Krüger",
    "Werner",
    "Lange",
    "Schmitz",
    "Krause",
    "Meier",
    "Lehmann",
    "Köhler",
    "Jansen",
    "Petersen",
    "Hansen",
    "Yılmaz",
    "Nowak",
    "Kowalski",
    "Popescu",
]
GIVEN = {
    Sex.FEMALE: [
        "Anna",
        "Maria",
        "Julia",
        "Laura",
        "Sophie",
        "Lea",
        "Hanna",
        "Emma",
        "Mia",
        "Lena",
        "Sarah",
        "Katharina",
        "Elif",
        "Fatma",
        "Ingrid",
        "Ursula",
        "Petra",
    ],
    Sex.MALE: [
        "Lukas",
        "Jonas",
        "Leon",
        "Paul",
        "Felix",
        "Max",
        "Ben",
        "Elias",
        "Noah",
        "Tim",
        "Jan",
        "Thomas",
        "Michael",
        "Mehmet",
        "Andrzej",
        "Klaus",
        "Jürgen",
    ],
}
RELIGIONS = ["ev", "ev", "rk", "", "", ""]
# A family's members as (role, age range).
HOUSEHOLDS = [
    [("adult", (25, 80))],
    [("adult", (25, 80))],
    [("adult", (28, 70)), ("spouse", (28, 70))],
    [("adult", (28, 55)), ("spouse", (28, 55)), ("child", (0, 17))],
    [("adult", (28, 55)), ("spouse", (28, 55)), ("child", (0, 17)), ("child", (0, 17))],
    [("adult", (25, 50)), ("child", (0, 17))],
]


def _birth_date(rng: random.Random, ages: tuple[int, int], today: datetime.date) -> datetime.date:
    age_days = rng.randint(ages[0] * 365 + 1, ages[1] * 365 + 300)
    return today - datetime.timedelta(days=age_days)


def _person(rng: random.Random, family_name: str, ages, today) -> PersonData:
    sex = rng.choice([Sex.FEMALE, Sex.MALE])
    return PersonData(
        family_name=family_name,
        given_names=rng.choice(GIVEN[sex]),
        birth_date=_birth_date(rng, ages, today),
        sex=sex,
        birth_place=rng.choice(["Hamburg", "Kiel", "Norderstedt", "Lübeck", "Berlin", "Izmir"]),
        religion=rng.choice(RELIGIONS),
    )


@transaction.atomic
def residents_load(
    *, municipality, count: int, seed: int | None = None, fresh: bool = False
) -> int:
    """About ``count`` invented residents in households at addresses of the street directory,
    written in bulk. Returns how many persons were written (0 when the town has residents and
    ``fresh`` is not set)."""
    if not fresh and Person.objects.filter(municipality=municipality).exists():
        return 0
    streets = STREETS.get(municipality.slug) or STREETS["norderstedt"]
    city = CITY.get(municipality.slug, municipality.name)
    rng = random.Random(seed if seed is not None else municipality.ags)  # noqa: S311 - demo data
    today = datetime.date(2026, 10, 1)
    persons: list[Person] = []
    homes: list[tuple[int, Address, datetime.date]] = []
    links: list[tuple[int, int, str]] = []
    secondary: list[int] = []
    while len(persons) < count:
        family_name = rng.choice(FAMILY_NAMES)
        name, postal_code, low, high, parity = rng.choice(streets)
        number = rng.randint(low, high)
        if (parity == ODD and number % 2 == 0) or (parity == EVEN and number % 2 == 1):
            number = min(high, number + 1)
        address = Address(street=name, house_number=str(number), postal_code=postal_code, city=city)
        moved_in = today - datetime.timedelta(days=rng.randint(30, 9000))
        head = None
        for role, ages in rng.choice(HOUSEHOLDS):
            index = len(persons)
            persons.append(
                person_build(municipality=municipality, data=_person(rng, family_name, ages, today))
            )
            homes.append((index, address, moved_in))
            if head is None:
                head = index
            elif role == "spouse":
                links.append((head, index, FamilyRelation.SPOUSE))
                links.append((index, head, FamilyRelation.SPOUSE))
            else:
                links.append((head, index, FamilyRelation.CHILD))
        if rng.random() < 0.05:
            secondary.append(head)
    Person.objects.bulk_create(persons, batch_size=500)
    residences = [
        residence_build(person=persons[i], address=address, kind=ResidenceKind.MAIN, moved_in=day)
        for i, address, day in homes
    ]
    far = Address(street="Dorfstraße", house_number="3", postal_code="23795", city="Bad Segeberg")
    residences += [
        residence_build(
            person=persons[i], address=far, kind=ResidenceKind.SECONDARY, moved_in=today
        )
        for i in secondary
    ]
    Residence.objects.bulk_create(residences, batch_size=500)
    FamilyLink.objects.bulk_create(
        [
            FamilyLink(
                municipality=municipality,
                person=persons[a],
                relative=persons[b],
                relation=relation,
                custody=relation == FamilyRelation.CHILD,
            )
            for a, b, relation in links
        ],
        batch_size=500,
    )
    # One adult under an Auskunftssperre (the first household head with a child).
    blocked = next(a for a, _b, relation in links if relation == FamilyRelation.CHILD)
    Block.objects.create(
        municipality=municipality,
        person=persons[blocked],
        kind=BlockKind.AUSKUNFTSSPERRE,
        valid_from=today - datetime.timedelta(days=100),
        valid_until=today + datetime.timedelta(days=630),
        reason="Demo: Gefahr für Leib und Leben glaubhaft gemacht.",
    )
    return len(persons)


# The demo accounts' register entries (matched by name and date of birth), Erika Mustermann's
# family and Leyla Yılmaz's daughter, who live with them.
ACCOUNT_TOWNS = {"Norderstedt": "norderstedt", "Reinbek": "reinbek"}
ERIKAS_FAMILY = [
    (FamilyRelation.SPOUSE, PersonData("Mustermann", "Hans", datetime.date(1962, 5, 3), Sex.MALE)),
    (
        FamilyRelation.CHILD,
        PersonData("Mustermann", "Paula", datetime.date(2014, 9, 21), Sex.FEMALE),
    ),
]


def _leylas_family() -> list[tuple[str, PersonData]]:
    """Leyla Yılmaz's daughter, 15 when the demo is loaded (a parent with custody may prepare
    a Führungszeugnis for a child of 14 to 17, §30(1) BZRG)."""
    born = timezone.localdate() - datetime.timedelta(days=15 * 365 + 120)
    return [(FamilyRelation.CHILD, PersonData("Yılmaz", "Aylin", born, Sex.FEMALE))]


def _accounts_register(municipality) -> None:
    """The demo citizens of this town in its register, at their account's address."""
    family = {(data.given_names, data.birth_date) for _relation, data in ERIKAS_FAMILY}
    for spec in DEMO_CITIZENS:
        if ACCOUNT_TOWNS.get(spec["city"]) != municipality.slug:
            continue
        if (spec["given_name"], spec["birth_date"]) in family:
            continue  # entered below, as a member of Erika's family
        street, _sep, number = spec["street"].rpartition(" ")
        address = Address(
            street=street, house_number=number, postal_code=spec["postal_code"], city=spec["city"]
        )
        moved_in = datetime.date(2019, 4, 1)
        person = person_build(
            municipality=municipality,
            data=PersonData(
                spec["family_name"], spec["given_name"], spec["birth_date"], Sex.FEMALE
            ),
        )
        person.save()
        residence_build(
            person=person, address=address, kind=ResidenceKind.MAIN, moved_in=moved_in
        ).save()
        families = {"Erika": ERIKAS_FAMILY, "Leyla": _leylas_family()}
        relatives = {}
        for relation, data in families.get(spec["given_name"], []):
            relative = person_build(municipality=municipality, data=data)
            relative.save()
            residence_build(
                person=relative, address=address, kind=ResidenceKind.MAIN, moved_in=moved_in
            ).save()
            FamilyLink.objects.create(
                municipality=municipality,
                person=person,
                relative=relative,
                relation=relation,
                custody=relation == FamilyRelation.CHILD,
            )
            relatives[relation] = relative
        if spec["given_name"] != "Erika":
            continue
        # Hans shares custody of Paula: the other parent asked to agree to her move.
        FamilyLink.objects.create(
            municipality=municipality,
            person=relatives[FamilyRelation.SPOUSE],
            relative=relatives[FamilyRelation.CHILD],
            relation=FamilyRelation.CHILD,
            custody=True,
        )


def load(*, stdout=None) -> None:
    for municipality in Municipality.objects.filter(slug__in=STREETS):
        streets_load(municipality=municipality, sections=STREETS[municipality.slug])
        if Person.objects.filter(municipality=municipality).exists():
            continue
        _accounts_register(municipality)
        written = residents_load(
            municipality=municipality, count=settings.RATHAUS_DEMO_RESIDENTS, fresh=True
        )
        if stdout is not None and written:
            stdout.write(f"register: {written} residents in {municipality.name}\n")
