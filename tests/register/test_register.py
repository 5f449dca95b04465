"""The resident register: street directory, exact matching, the Auskunftssperre's neutral answer,
one main residence per person, the register's history, objections as data, the demo register."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import IntegrityError, connection, transaction

from rathaus.accounts.identity.base import VerifiedIdentity
from rathaus.accounts.services import identity_record
from rathaus.cases.plugin import JourneyContext, procedure_get
from rathaus.register import demo, selectors, services
from rathaus.register.constants import (
    BlockKind,
    FamilyRelation,
    RegisterAction,
    RegisterErrorCode,
    ResidenceKind,
    Sex,
)
from rathaus.register.errors import RegisterError
from rathaus.register.interface import RegisterSource, resident_register
from rathaus.register.models import Block, Person, RegisterChange, Residence
from tests.cases.conftest import user_make

ERIKA = services.PersonData("Mustermann", "Erika", datetime.date(1964, 8, 12), Sex.FEMALE)
HOME = services.Address("Rathausallee", "12", "22846", "Norderstedt")
NEW_HOME = services.Address("Ulzburger Straße", "210", "22850", "Norderstedt")


@pytest.fixture
def streets(norderstedt, reinbek):
    for town in (norderstedt, reinbek):
        services.streets_load(municipality=town, sections=demo.STREETS[town.slug])
    return norderstedt


def test_street_suggestions_as_you_type(streets, reinbek):
    names = [s.name for s in selectors.street_suggestions(municipality=streets, text="ulzb")]
    assert names == ["Ulzburger Straße"]
    ulzburger = selectors.street_suggestions(municipality=streets, text="Ulzburger Str")[0]
    assert ulzburger.postal_codes == ("22846", "22850")
    assert [s.name for s in selectors.street_suggestions(municipality=streets, text="glashu")] == [
        "Glashütter Damm"
    ]
    assert selectors.street_suggestions(municipality=streets, text="s") == []
    # Another town's streets are not suggested.
    assert selectors.street_suggestions(municipality=streets, text="Schloß") == []
    assert selectors.street_suggestions(municipality=reinbek, text="schloss")[0].name == (
        "Schloßstraße"
    )


@pytest.mark.parametrize(
    ("street", "number", "postal_code", "problem"),
    [
        ("Rathausallee", "12", "22846", None),
        ("rathausallee", "12a", "22846", None),
        ("Ulzburger Str.", "210", "22850", None),
        ("Hauptstraße", "1", "22846", RegisterErrorCode.UNKNOWN_STREET),
        ("Rathausallee", "912", "22846", RegisterErrorCode.HOUSE_NUMBER_OUT_OF_RANGE),
        ("Rathausallee", "12", "22850", RegisterErrorCode.WRONG_POSTAL_CODE),
        ("Ulzburger Straße", "210", "22846", RegisterErrorCode.WRONG_POSTAL_CODE),
        ("Rathausallee", "zwölf", "22846", RegisterErrorCode.NOT_A_HOUSE_NUMBER),
    ],
)
def test_the_street_directory_checks_an_address(streets, street, number, postal_code, problem):
    found = selectors.address_check(
        municipality=streets, street=street, house_number=number, postal_code=postal_code
    )
    assert found == problem


def test_odd_and_even_sides_of_a_street(reinbek, streets):
    check = selectors.address_check
    assert check(municipality=reinbek, street="Kampstraße", house_number="41", postal_code="21465")
    assert (
        check(municipality=reinbek, street="Kampstraße", house_number="3", postal_code="21465")
        is None
    )
    assert check(
        municipality=reinbek, street="Kampstraße", house_number="40", postal_code="21465"
    ) == (RegisterErrorCode.HOUSE_NUMBER_OUT_OF_RANGE)


def test_moving_within_the_town_ends_the_old_main_residence_and_writes_history(norderstedt):
    clerk = user_make("clerk@norderstedt.example", staff_of=norderstedt)
    person = services.person_create(municipality=norderstedt, data=ERIKA, actor=clerk)
    first = services.residence_move_in(
        person=person, address=HOME, kind=ResidenceKind.MAIN, moved_in=datetime.date(2019, 4, 1)
    )
    services.residence_move_in(
        person=person,
        address=NEW_HOME,
        kind=ResidenceKind.MAIN,
        moved_in=datetime.date(2026, 11, 15),
        actor=clerk,
    )
    first.refresh_from_db()
    assert first.moved_out == datetime.date(2026, 11, 14)
    assert selectors.residence_current(person=person).street == "Ulzburger Straße"
    actions = list(RegisterChange.objects.filter(person=person).values_list("action", "actor"))
    assert actions == [
        (RegisterAction.PERSON_CREATED, clerk.pk),
        (RegisterAction.MOVED_IN, None),
        (RegisterAction.MOVED_OUT, clerk.pk),
        (RegisterAction.MOVED_IN, clerk.pk),
    ]
    change = RegisterChange.objects.filter(person=person).first()
    with pytest.raises(ValueError):
        change.save()  # append-only


def test_the_database_refuses_a_second_open_main_residence(norderstedt):
    person = services.person_create(municipality=norderstedt, data=ERIKA)
    services.residence_build(
        person=person, address=HOME, kind=ResidenceKind.MAIN, moved_in=datetime.date(2020, 1, 1)
    ).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        services.residence_build(
            person=person,
            address=NEW_HOME,
            kind=ResidenceKind.MAIN,
            moved_in=datetime.date(2021, 1, 1),
        ).save()
    # A secondary residence beside it is fine.
    services.residence_move_in(
        person=person,
        address=NEW_HOME,
        kind=ResidenceKind.SECONDARY,
        moved_in=datetime.date(2021, 1, 1),
    )
    assert Residence.objects.filter(person=person, moved_out__isnull=True).count() == 2


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_moves_racing_for_one_person_leave_one_main_residence(norderstedt):
    person = services.person_create(municipality=norderstedt, data=ERIKA)
    barrier = threading.Barrier(2)
    outcomes = []

    def move(address):
        try:
            barrier.wait()
            services.residence_move_in(
                person=person,
                address=address,
                kind=ResidenceKind.MAIN,
                moved_in=datetime.date(2026, 11, 1),
            )
            outcomes.append("moved")
        except RegisterError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=move, args=(a,)) for a in (HOME, NEW_HOME)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("moved") >= 1
    assert Residence.objects.filter(person=person, kind="main", moved_out__isnull=True).count() == 1


def test_exact_matching_and_the_neutral_answer_of_an_auskunftssperre(norderstedt):
    person = services.person_create(municipality=norderstedt, data=ERIKA)
    match = selectors.person_match
    kwargs = {"municipality": norderstedt, "birth_date": ERIKA.birth_date}
    assert (
        match(family_name="MUSTERMANN", given_names=" erika ", entitled=False, **kwargs) == person
    )
    assert match(family_name="Musterman", given_names="Erika", entitled=False, **kwargs) is None
    services.block_set(
        person=person, kind=BlockKind.AUSKUNFTSSPERRE, valid_from=datetime.date(2026, 1, 1)
    )
    # Not entitled: the same answer as for a person who does not exist.
    assert match(family_name="Mustermann", given_names="Erika", entitled=False, **kwargs) is None
    assert match(family_name="Mustermann", given_names="Erika", entitled=True, **kwargs) == person
    block = Block.objects.get(person=person)
    assert block.valid_until == datetime.date(2027, 12, 31)  # two years (§51(4) BMG)


def test_a_pre_filled_family_never_shows_a_blocked_member(norderstedt):
    erika = services.person_create(municipality=norderstedt, data=ERIKA)
    hans = services.person_create(
        municipality=norderstedt,
        data=services.PersonData("Mustermann", "Hans", datetime.date(1962, 5, 3), Sex.MALE),
    )
    paula = services.person_create(
        municipality=norderstedt,
        data=services.PersonData("Mustermann", "Paula", datetime.date(2014, 9, 21), Sex.FEMALE),
    )
    for person in (erika, hans, paula):
        services.residence_move_in(
            person=person, address=HOME, kind=ResidenceKind.MAIN, moved_in=datetime.date(2019, 1, 1)
        )
    services.family_link(person=erika, relative=hans, relation=FamilyRelation.SPOUSE)
    services.family_link(person=erika, relative=paula, relation=FamilyRelation.CHILD, custody=True)
    assert [p for _r, p in selectors.family_for_prefill(person=erika)] == [paula, hans] or [
        p for _r, p in selectors.family_for_prefill(person=erika)
    ] == [hans, paula]
    services.block_set(
        person=hans, kind=BlockKind.AUSKUNFTSSPERRE, valid_from=datetime.date(2026, 1, 1)
    )
    assert [p for _r, p in selectors.family_for_prefill(person=erika)] == [paula]


def test_a_pre_filled_family_takes_the_same_statements_whatever_its_size(
    norderstedt, django_assert_num_queries
):
    erika = services.person_create(municipality=norderstedt, data=ERIKA)
    services.residence_move_in(
        person=erika, address=HOME, kind=ResidenceKind.MAIN, moved_in=datetime.date(2019, 1, 1)
    )
    children = []
    for index in range(4):
        child = services.person_create(
            municipality=norderstedt,
            data=services.PersonData(
                "Mustermann", f"Kind{index}", datetime.date(2012, 1, 1 + index), Sex.FEMALE
            ),
        )
        services.residence_move_in(
            person=child,
            address=NEW_HOME if index == 3 else HOME,
            kind=ResidenceKind.MAIN,
            moved_in=datetime.date(2019, 1, 1),
        )
        services.family_link(
            person=erika, relative=child, relation=FamilyRelation.CHILD, custody=index != 2
        )
        children.append(child)
    services.block_set(
        person=children[1], kind=BlockKind.AUSKUNFTSSPERRE, valid_from=datetime.date(2026, 1, 1)
    )
    with django_assert_num_queries(4):
        family = selectors.family_for_prefill(person=erika)
    # Not the blocked child, not the one without custody, not the one living elsewhere.
    assert [person for _relation, person in family] == [children[0]]


def test_objections_are_data_and_the_bundeswehr_objection_has_ended(norderstedt):
    person = services.person_create(municipality=norderstedt, data=ERIKA)
    offered = {o.key for o in selectors.objections_offered(on=datetime.date(2026, 12, 3))}
    assert "parteien-wahlen" in offered and "bundeswehr" not in offered
    with pytest.raises(RegisterError) as refused:
        services.block_set(
            person=person,
            kind=BlockKind.UEBERMITTLUNGSSPERRE,
            objection_key="bundeswehr",
            valid_from=datetime.date(2026, 12, 3),
        )
    assert refused.value.code == RegisterErrorCode.OBJECTION_NOT_OFFERED
    block = services.block_set(
        person=person,
        kind=BlockKind.UEBERMITTLUNGSSPERRE,
        objection_key="parteien-wahlen",
        valid_from=datetime.date(2026, 12, 3),
    )
    services.block_end(block=block, on=datetime.date(2027, 1, 10))
    block.refresh_from_db()
    assert not block.in_force(datetime.date(2027, 1, 10)) and block.in_force(
        datetime.date(2027, 1, 9)
    )


def test_the_demo_register_and_the_register_pre_fill(towns, settings):
    settings.RATHAUS_DEMO_RESIDENTS = 120
    norderstedt, reinbek = towns
    demo.load()
    demo.load()  # idempotent
    for town in towns:
        persons = Person.objects.filter(municipality=town)
        assert 120 <= persons.count() <= 130
        assert Block.objects.filter(municipality=town, kind=BlockKind.AUSKUNFTSSPERRE).count() == 1
        assert Residence.objects.filter(municipality=town, kind="secondary").exists()
        assert any(p.birth_date > datetime.date(2009, 1, 1) for p in persons)  # minors
    # The demo citizen Erika Mustermann is matched through her account, with her address.
    account = user_make("erika.m@example.org", given="Erika", family="Mustermann")
    identity_record(
        user=account,
        identity=VerifiedIdentity(
            given_names="Erika", family_name="Mustermann", birth_date=datetime.date(1964, 8, 12)
        ),
    )
    context = JourneyContext(
        municipality=norderstedt,
        procedure=procedure_get("allgemeines-anliegen"),
        actor=account,
        trust_level="basic",
    )
    assert RegisterSource().values(context) == {}  # a password shows nothing of the register
    context.trust_level = "high"
    values = RegisterSource().values(context)
    assert values["street"] == "Rathausallee" and values["house_number"] == "12"
    assert context.prefill_values("register")["family_name"] == "Mustermann"
    erika = resident_register().person_match(
        municipality=norderstedt,
        family_name="Mustermann",
        given_names="Erika",
        birth_date=datetime.date(1964, 8, 12),
        entitled=True,
    )
    assert {p.given_names for _r, p in selectors.family_for_prefill(person=erika)} == {
        "Hans",
        "Paula",
    }
    # Reinbek's register does not know Norderstedt's residents.
    context.municipality = reinbek
    assert (
        RegisterSource().values(
            JourneyContext(municipality=reinbek, procedure=context.procedure, actor=account)
        )
        == {}
    )
