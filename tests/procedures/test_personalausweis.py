"""Personalausweis: prepared online for everyone coming to one appointment; the fee by age on the
appointment's day with the surcharges of the choices (amounts from the catalogue); what to bring;
the appointment booked from the case, as long as the persons and choices need; the card's stages
after the counter; the register pre-fill only for an eID session."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from rathaus.accounts.constants import SESSION_TRUST_LEVEL
from rathaus.accounts.identity.base import VerifiedIdentity
from rathaus.accounts.services import identity_record
from rathaus.appointments import services as appointment_services
from rathaus.appointments.models import Booking, OfficeService
from rathaus.cases import selectors as case_selectors
from rathaus.cases import services
from rathaus.cases.constants import CaseStatus
from rathaus.cases.errors import CaseError
from rathaus.cases.models import Case
from rathaus.cases.plugin import Procedure, procedure_get
from rathaus.notifications.models import OutboxMessage
from rathaus.procedures.personalausweis.pages import PersonForm
from rathaus.register import demo as register_demo
from tests.accounts.factories import login_verified, staff_create
from tests.appointments.conftest import TZ, office_make
from tests.cases.conftest import submitted_make, user_make

KEY = "personalausweis"
TODAY = timezone.localdate()


def born_years_ago(years: int, *, days: int = 0) -> str:
    """The ISO date of birth of someone who turns ``years`` ``days`` days from today."""
    day = TODAY + dt.timedelta(days=days)
    try:
        birthday = day.replace(year=day.year - years)
    except ValueError:  # 29 February
        birthday = day.replace(year=day.year - years, day=28)
    return birthday.isoformat()


def person(**changes) -> dict:
    return {
        "given_names": "Erika",
        "family_name": "Mustermann",
        "birth_date": born_years_ago(40),
        "first_card": "no",
        "card": "regular",
        "photo": "code",
        "delivery": "pickup",
        "second_id": False,
        **changes,
    }


@pytest.fixture
def citizen(db):
    return user_make("erika@example.org")


def _draft(town, user, persons, *, registered_here="yes"):
    procedure = procedure_get(KEY)
    case = services.case_draft_start(
        municipality=town, procedure=procedure, actor=user, owner_token="t"
    )
    group = procedure.page("personen")
    for item in persons:
        form = PersonForm(data=item)
        assert form.is_valid(), form.errors
        services.case_group_item_save(
            case=case, page=group, index=None, cleaned_data=form.cleaned_data, actor=user
        )
    services.case_draft_answers_save(
        case=case,
        page=procedure.page("zustaendigkeit"),
        cleaned_data={"registered_here": registered_here},
        actor=user,
    )
    return case


def _submit(town, user, persons, *, registered_here="yes"):
    case = _draft(town, user, persons, registered_here=registered_here)
    case, _created = services.case_submit(
        case=case, actor=user, idempotency_key=case.idempotency_key
    )
    return case


def _fee(case) -> Decimal:
    return procedure_get(KEY).fee(services.case_context(case=case))


def test_the_fee_follows_the_age_on_the_day_and_each_choice(norderstedt, citizen):
    # On the 24th birthday the adult fee applies; the day before, the reduced one.
    assert _fee(_submit(norderstedt, citizen, [person(birth_date=born_years_ago(24))])) == Decimal(
        "46.00"
    )
    day_before = person(birth_date=born_years_ago(24, days=1))
    assert _fee(_submit(norderstedt, citizen, [day_before])) == Decimal("27.60")
    # Each surcharge on its own: the photo at the counter (the catalogue's "lichtbild"), by
    # post, at an office not responsible; a provisional card instead of the card.
    assert _fee(_submit(norderstedt, citizen, [person(photo="counter")])) == Decimal("52.00")
    posted = person(delivery="post", second_id=True)
    assert _fee(_submit(norderstedt, citizen, [posted])) == Decimal("61.00")
    elsewhere = _submit(norderstedt, citizen, [person()], registered_here="no")
    assert _fee(elsewhere) == Decimal("59.00")
    assert _fee(_submit(norderstedt, citizen, [person(card="provisional")])) == Decimal("10.00")
    # A family at one appointment: the sum.
    child = person(given_names="Paula", birth_date=born_years_ago(12), photo="counter")
    family = _submit(norderstedt, citizen, [person(), child])
    assert _fee(family) == Decimal("79.60")
    # Nothing is collected online: the fee is paid at the appointment.
    assert family.status == CaseStatus.SUBMITTED and getattr(family, "payment", None) is None


def test_the_fee_is_computed_for_the_day_of_the_booked_appointment(norderstedt, citizen):
    """Someone who turns 24 between preparing and the appointment pays the adult fee."""
    turning = person(birth_date=born_years_ago(24, days=10))
    case = _submit(norderstedt, citizen, [turning])
    assert _fee(case) == Decimal("27.60")
    office = _office(norderstedt)
    day = TODAY + dt.timedelta(days=14)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    booking = _booking(office, day, [("personalausweis", 1)])
    Booking.objects.filter(pk=booking.pk).update(case=case)
    assert _fee(case) == Decimal("46.00")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"delivery": "post", "birth_date": born_years_ago(15)}, "delivery", "16"),
        ({"delivery": "post"}, "second_id", "zweiten Lichtbildausweis"),
        ({"delivery": "post", "card": "provisional", "second_id": True}, "delivery", "vorläufig"),
        ({"birth_date": (TODAY + dt.timedelta(days=1)).isoformat()}, "birth_date", "Zukunft"),
    ],
)
def test_impossible_choices_are_refused_with_a_clear_message(changes, field, message):
    form = PersonForm(data=person(**changes))
    assert not form.is_valid()
    assert message in " ".join(form.errors[field])


def test_the_check_page_says_what_it_costs_and_what_to_bring(norderstedt, citizen, nor_client):
    first = person(first_card="yes", photo="counter")
    child = person(given_names="Paula", birth_date=born_years_ago(12))
    case = _draft(norderstedt, citizen, [first, child])
    nor_client.force_login(citizen)
    page = nor_client.get(f"/anliegen/{KEY}/{case.public_id}/pruefen/").content.decode()
    assert "Was es kostet" in page and "Das bringen Sie mit" in page
    assert "Geburtsurkunde" in page  # Erika's first card
    assert "Zustimmung" in page  # Paula is 12: the parents consent
    assert "Code des Fotografen" in page  # Paula brings the photographer's code
    assert "Zusammen 79,60 EUR" in page  # 46.00 + 6.00 + 27.60


def _office(town):
    office = office_make(town)
    OfficeService.objects.create(
        municipality=town, office=office, service_slug="lichtbild", duration_minutes=5
    )
    return office


def _booking(office, day, services_needed, *, hour=9):
    appointment_services.slots_materialise(office=office, first_day=day, last_day=day)
    hold = appointment_services.hold_create(
        municipality=office.municipality,
        office=office,
        services=services_needed,
        start=dt.datetime.combine(day, dt.time(hour), tzinfo=TZ),
    )
    return appointment_services.booking_confirm(
        municipality=office.municipality,
        hold_token=hold.token,
        name="Erika Mustermann",
        email="erika@example.org",
    )


def test_the_appointment_is_booked_from_the_case_and_as_long_as_needed(
    norderstedt, reinbek, citizen, nor_client, client
):
    office = _office(norderstedt)
    child = person(given_names="Paula", birth_date=born_years_ago(12), photo="counter")
    case = _submit(norderstedt, citizen, [person(), child])
    assert procedure_get(KEY).appointment_services(services.case_context(case=case)) == [
        ("personalausweis", 2),
        ("lichtbild", 1),
    ]
    nor_client.force_login(citizen)
    page = nor_client.get(f"/anliegen/meine/{case.reference}/").content.decode()
    book_url = f"/termine/anliegen/{case.reference}/"
    assert book_url in page
    response = nor_client.get(book_url)
    assert response.status_code == 302
    state = nor_client.session["appointments_booking"]
    assert state["services"] == [["personalausweis", 2], ["lichtbild", 1]]
    # The booking made in that flow is tied to the case: 2 × 20 + 5 minutes.
    day = TODAY + dt.timedelta(days=7)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    appointment_services.slots_materialise(office=office, first_day=day, last_day=day)
    hold = appointment_services.hold_create(
        municipality=norderstedt,
        office=office,
        services=[("personalausweis", 2), ("lichtbild", 1)],
        start=dt.datetime.combine(day, dt.time(9), tzinfo=TZ),
    )
    session = nor_client.session
    session["appointments_booking"] = {**state, "hold_token": hold.token}
    session.save()
    response = nor_client.post(
        "/termine/angaben/", {"name": "Erika Mustermann", "email": "erika@example.org"}
    )
    assert response.status_code == 302
    booking = Booking.objects.get(case=case)
    assert booking.end - booking.start == dt.timedelta(minutes=45)
    # With its appointment the case offers no second booking.
    assert book_url not in nor_client.get(f"/anliegen/meine/{case.reference}/").content.decode()

    # Nobody else starts a booking for this case: another citizen, a clerk, the other town.
    other = user_make("max@example.org", given="Max", family="Meier")
    clerk = user_make("clerk@norderstedt.example", staff_of=norderstedt)
    for intruder in (other, clerk):
        nor_client.force_login(intruder)
        assert nor_client.get(book_url).status_code == 404
    client.defaults["HTTP_HOST"] = "reinbek.localhost"
    client.force_login(citizen)
    assert client.get(book_url).status_code == 404


def test_a_case_without_persons_needs_no_appointment(norderstedt, citizen):
    context = services.case_context(case=_submit(norderstedt, citizen, [person()]))
    context = context.with_answers({})
    assert procedure_get(KEY).appointment_services(context) == []


def test_the_cards_way_after_the_counter(norderstedt, citizen, nor_client):
    clerk = user_make("clerk@norderstedt.example", staff_of=norderstedt)
    case = _submit(norderstedt, citizen, [person()])
    services.case_transition(case=case, to_status=CaseStatus.IN_REVIEW, actor=clerk)
    case = services.case_transition(case=case, to_status=CaseStatus.APPROVED, actor=clerk)
    case.refresh_from_db()
    assert case.stage == "applied"  # set by the system when the application is taken
    services.case_stage_set(case=case, to_stage="in_production", actor=clerk)
    with pytest.raises(CaseError):  # "ready" cannot be skipped to "picked up" by the citizen
        services.case_stage_set(case=case, to_stage="ready", actor=citizen)
    services.case_stage_set(case=case, to_stage="ready", actor=None)
    nor_client.force_login(citizen)
    page = nor_client.get(f"/anliegen/meine/{case.reference}/").content.decode()
    assert "Abholbereit" in page and "PIN-Brief" in page
    services.case_stage_set(case=case, to_stage="picked_up", actor=clerk)
    case.refresh_from_db()
    assert case.stage == "picked_up"


def test_the_mail_for_ready_says_the_pin_letter_comes_separately(
    norderstedt, citizen, django_capture_on_commit_callbacks
):
    clerk = user_make("clerk@norderstedt.example", staff_of=norderstedt)
    case = _submit(norderstedt, citizen, [person()])
    services.case_transition(case=case, to_status=CaseStatus.IN_REVIEW, actor=clerk)
    services.case_transition(case=case, to_status=CaseStatus.APPROVED, actor=clerk)
    OutboxMessage.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.case_stage_set(case=case, to_stage="in_production", actor=clerk)
    production = OutboxMessage.objects.get()
    assert "PIN" not in production.body  # other stages keep the plain "there is news"
    OutboxMessage.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.case_stage_set(case=case, to_stage="ready", actor=clerk)
    ready = OutboxMessage.objects.get()
    assert ready.recipients == "erika@example.org"
    assert "Der PIN-Brief kommt getrennt per Post" in ready.body
    assert "keine Abholbenachrichtigung" in ready.body
    # Still nothing personal: no name, no reference.
    assert "Erika" not in ready.body and case.reference not in ready.body + ready.subject


def test_the_ready_notice_in_english_and_no_notice_by_default():
    notice = procedure_get(KEY).stage_notice("ready")
    with translation.override("en"):
        assert "The PIN letter comes separately by post" in str(notice)
    assert procedure_get(KEY).stage_notice("in_production") == ""
    assert Procedure().stage_notice("ready") == ""


def test_the_first_person_is_offered_from_the_register_in_an_eid_session_only(
    norderstedt, citizen, nor_client, settings
):
    settings.RATHAUS_DEMO_RESIDENTS = 20
    register_demo.load()
    identity_record(
        user=citizen,
        identity=VerifiedIdentity(
            given_names="Erika", family_name="Mustermann", birth_date=dt.date(1964, 8, 12)
        ),
    )
    case = services.case_draft_start(
        municipality=norderstedt, procedure=procedure_get(KEY), actor=citizen, owner_token="t"
    )
    nor_client.force_login(citizen)
    url = f"/anliegen/{KEY}/{case.public_id}/personen/neu/"
    page = nor_client.get(url).content.decode()
    assert "12.08.1964" not in page and "Melderegister" not in page  # password: nothing
    session = nor_client.session
    session[SESSION_TRUST_LEVEL] = "high"
    session.save()
    page = nor_client.get(url).content.decode()
    assert "12.08.1964" in page and "Melderegister" in page


def _look_up(client, reference, birth_date):
    return client.post("/anliegen/status/", {"reference": reference, "birth_date": birth_date})


def test_the_public_status_look_up_leaks_nothing_to_a_wrong_date_of_birth(
    norderstedt, reinbek, citizen, nor_client, client
):
    clerk = user_make("clerk@norderstedt.example", staff_of=norderstedt)
    child = person(given_names="Paula", birth_date="2014-09-21")
    case = _submit(norderstedt, citizen, [person(birth_date="1964-08-12"), child])
    services.case_transition(case=case, to_status=CaseStatus.IN_REVIEW, actor=clerk)
    services.case_transition(case=case, to_status=CaseStatus.APPROVED, actor=clerk)
    # Either person's date of birth finds it, in any spelling of the reference; no names shown.
    for born in ("12.08.1964", "21.09.2014"):
        page = _look_up(nor_client, case.reference.lower(), born).content.decode()
        assert "Antrag im Bürgerbüro aufgenommen" in page
        assert "Mustermann" not in page and "Paula" not in page
    # A wrong date of birth gets exactly what an unknown number gets.
    wrong = _look_up(nor_client, case.reference, "13.08.1964").content.decode()
    unknown = _look_up(nor_client, "NOR-2026-999999", "12.08.1964").content.decode()
    assert "Antrag im Bürgerbüro aufgenommen" not in wrong
    strip = lambda page: page.split('<div class="kern-alert', 1)[1].split("</div>", 2)[:2]  # noqa: E731
    assert strip(wrong) == strip(unknown)
    # Another town's host does not know the case.
    client.defaults["HTTP_HOST"] = "reinbek.localhost"
    assert (
        "Antrag im Bürgerbüro"
        not in _look_up(client, case.reference, "12.08.1964").content.decode()
    )
    # A procedure without the look-up (a general request) is never answered.
    other = submitted_make(municipality=norderstedt, actor=citizen)
    assert "Status:" not in _look_up(nor_client, other.reference, "12.08.1964").content.decode()


def test_the_status_look_up_is_rate_limited_per_reference(norderstedt, citizen, nor_client):
    case = _submit(norderstedt, citizen, [person(birth_date="1964-08-12")])
    for day in range(1, 6):  # five wrong guesses
        assert _look_up(nor_client, case.reference, f"0{day}.01.1990").status_code == 200
    refused = _look_up(nor_client, case.reference, "12.08.1964")  # right, but too late
    assert refused.status_code == 429
    assert "Zu viele Abfragen" in refused.content.decode()
    assert "Antrag im Bürgerbüro aufgenommen" not in refused.content.decode()


def test_cards_not_picked_up_are_listed_as_overdue_for_the_clerks(norderstedt, citizen, nor_client):
    clerk = staff_create(municipality=norderstedt)
    cards = []
    for waited in (91, 89):
        case = _submit(norderstedt, citizen, [person()])
        services.case_transition(case=case, to_status=CaseStatus.IN_REVIEW, actor=clerk)
        services.case_transition(case=case, to_status=CaseStatus.APPROVED, actor=clerk)
        services.case_stage_set(case=case, to_stage="in_production", actor=clerk)
        services.case_stage_set(case=case, to_stage="ready", actor=clerk)
        Case.objects.filter(pk=case.pk).update(
            stage_changed_at=timezone.now() - dt.timedelta(days=waited)
        )
        cards.append(case)
    listed = case_selectors.case_list_for_staff(
        actor=clerk, municipality=norderstedt, stage="ready", overdue=True
    )
    assert list(listed) == [cards[0]]
    # The clerk's inbox, filtered to the stage and to overdue cases, shows the same.
    login_verified(nor_client, clerk)
    page = nor_client.get(
        "/verwaltung/", {"stage": "personalausweis:ready", "overdue": "on"}
    ).content.decode()
    assert cards[0].reference in page and cards[1].reference not in page
