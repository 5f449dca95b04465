"""Counter screen (staff) and call display (public) over HTTP."""

import pytest
from django.test import Client
from django.utils import timezone

from rathaus.appointments import queue
from rathaus.appointments.constants import TicketStatus
from rathaus.appointments.models import Counter, WaitTicket
from tests.accounts.factories import login_verified, staff_create

from .conftest import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def test_counter_screen_calls_and_the_display_shows_it(nor_client, norderstedt, office):
    clerk = staff_create(municipality=norderstedt)
    login_verified(nor_client, clerk)
    desk = Counter.objects.get(office=office)
    ticket = queue.ticket_walk_in(municipality=norderstedt, office_slug=office.slug)
    url = f"/termine/schalter/{office.slug}/"

    page = nor_client.get(url, {"schalter": desk.pk})
    assert page.status_code == 200
    assert b'value="call_next"' in page.content
    called = nor_client.post(url, {"counter": desk.pk, "action": "call_next"})
    assert called.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CALLED and ticket.counter == desk

    data = Client(HTTP_HOST="norderstedt.localhost").get(f"/termine/anzeige/{office.slug}/daten/")
    assert data.status_code == 200
    assert [(c["number"], c["counter"]) for c in data.json()["calls"]] == [("W001", "Schalter 1")]
    display = Client(HTTP_HOST="norderstedt.localhost").get(f"/termine/anzeige/{office.slug}/")
    assert "W001 → Schalter 1" in display.content.decode()

    finished = nor_client.post(url, {"counter": desk.pk, "ticket": ticket.pk, "action": "finish"})
    assert finished.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DONE
    empty = nor_client.post(url, {"counter": desk.pk, "action": "call_next"})
    assert empty.status_code == 400
    assert b"kern-alert--danger" in empty.content


def test_counter_screen_is_for_this_towns_staff_only(client, norderstedt, reinbek, office):
    client.defaults["HTTP_HOST"] = "norderstedt.localhost"
    url = f"/termine/schalter/{office.slug}/"
    assert client.get(url).status_code == 302  # to the staff login
    rei_clerk = staff_create(municipality=reinbek)
    login_verified(client, rei_clerk)
    assert client.get(url).status_code == 404
    ticket = queue.ticket_walk_in(municipality=norderstedt, office_slug=office.slug)
    desk = Counter.objects.get(office=office)
    assert client.post(url, {"counter": desk.pk, "action": "call_next"}).status_code == 404
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING
    other_host = Client(HTTP_HOST="reinbek.localhost")
    assert other_host.get(f"/termine/anzeige/{office.slug}/daten/").status_code == 404
    assert WaitTicket.objects.count() == 1


def test_check_in_page_gives_a_number(nor_client, norderstedt, office, monkeypatch):
    from django.test import TestCase

    from rathaus.appointments import services

    from .conftest import ANMELDUNG, TUESDAY, at

    hold = services.hold_create(
        municipality=norderstedt, office=office, services=[(ANMELDUNG, 1)], start=at(TUESDAY, 9)
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        booking = services.booking_confirm(
            municipality=norderstedt, hold_token=hold.token, name="E", email="e@example.org"
        )
        services.booking_finalise(
            municipality=norderstedt, token=services.confirm_token_make(booking)
        )
    url = f"/termine/einchecken/{office.slug}/"
    assert nor_client.get(url).status_code == 200
    wrong = nor_client.post(url, {"code": "XXXXXXXX"})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    # NOW is Monday; the appointment is on Tuesday: too early to check in.
    assert nor_client.post(url, {"code": booking.code}).context["ticket"] is None
    monkeypatch.setattr(timezone, "now", lambda: at(TUESDAY, 8, 55))
    done = nor_client.post(url, {"code": booking.code})
    assert done.context["ticket"].number == "T001"
    assert "T001" in done.content.decode()


def test_online_wait_ticket_needs_the_challenge(nor_client, norderstedt, office, settings):
    from django.core.cache import cache

    from rathaus.appointments import challenge as pow_

    settings.RATHAUS_POW_MAX_NUMBER = 300
    cache.clear()
    url = f"/termine/wartenummer/{office.slug}/"
    page = nor_client.get(url)
    assert page.status_code == 200 and b"appointments/pow.js" in page.content
    assert page.context["estimate"] == {"waiting": 0, "minutes": 0}
    assert nor_client.post(url, {"challenge": ""}).context["ticket"] is None
    payload = pow_.challenge_solve(nor_client.get("/api/v1/challenge").json())
    taken = nor_client.post(url, {"challenge": payload})
    assert taken.context["ticket"].number == "W001"
    replay = nor_client.post(url, {"challenge": payload})
    assert replay.context["ticket"] is None
    assert WaitTicket.objects.count() == 1


def _checked_in_booking_of_a_case(*, town, office, monkeypatch, citizen):
    """A confirmed appointment booked from a submitted case, checked in on its day."""
    from django.test import TestCase

    from rathaus.appointments import services
    from rathaus.cases.plugin import journey_services
    from tests.cases.conftest import submitted_make

    from .conftest import ANMELDUNG, TUESDAY, at

    hold = services.hold_create(
        municipality=town, office=office, services=[(ANMELDUNG, 1)], start=at(TUESDAY, 9)
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        booking = services.booking_confirm(
            municipality=town, hold_token=hold.token, name="E", email="e@example.org"
        )
        booking = services.booking_finalise(
            municipality=town, token=services.confirm_token_make(booking)
        )
    case = submitted_make(municipality=town, actor=citizen)
    journey_services.get("booking").attach(case=case, booking=booking)
    monkeypatch.setattr(timezone, "now", lambda: at(TUESDAY, 8, 55))
    queue.ticket_check_in(municipality=town, office_slug=office.slug, code=booking.code)
    return case


def test_the_called_appointment_opens_its_prepared_case(
    nor_client, client, norderstedt, reinbek, office, monkeypatch
):
    from tests.cases.conftest import user_make

    citizen = user_make("erika@example.org")
    case = _checked_in_booking_of_a_case(
        town=norderstedt, office=office, monkeypatch=monkeypatch, citizen=citizen
    )
    walk_in = queue.ticket_walk_in(municipality=norderstedt, office_slug=office.slug)
    clerk = staff_create(municipality=norderstedt)
    login_verified(nor_client, clerk)
    desk = Counter.objects.get(office=office)
    url = f"/termine/schalter/{office.slug}/"
    case_url = f"/verwaltung/faelle/{case.reference}/"

    # Before the call nothing of the case is on the screen.
    assert case.reference not in nor_client.get(url, {"schalter": desk.pk}).content.decode()
    nor_client.post(url, {"counter": desk.pk, "action": "call_next"})
    page = nor_client.get(url, {"schalter": desk.pk}).content.decode()
    assert f'href="{case_url}"' in page
    assert f"Vorbereiteten Antrag {case.reference} öffnen" in page
    opened = nor_client.get(case_url)
    assert opened.status_code == 200 and case.reference in opened.content.decode()

    # A walk-in has no case: no link.
    called = WaitTicket.objects.get(status=TicketStatus.CALLED)
    nor_client.post(url, {"counter": desk.pk, "ticket": called.pk, "action": "finish"})
    nor_client.post(url, {"counter": desk.pk, "action": "call_next"})
    walk_in.refresh_from_db()
    assert walk_in.status == TicketStatus.CALLED
    assert "/verwaltung/faelle/" not in nor_client.get(url, {"schalter": desk.pk}).content.decode()

    # Another town's clerk sees neither the counter nor the case; nor does a citizen.
    rei_clerk = staff_create(municipality=reinbek)
    client.defaults["HTTP_HOST"] = "norderstedt.localhost"
    login_verified(client, rei_clerk)
    assert client.get(url, {"schalter": desk.pk}).status_code == 404
    assert client.get(case_url).status_code == 404
    at_home = Client(HTTP_HOST="reinbek.localhost")
    login_verified(at_home, rei_clerk)
    assert at_home.get(case_url).status_code == 404
    citizen_client = Client(HTTP_HOST="norderstedt.localhost")
    citizen_client.force_login(citizen)
    assert citizen_client.get(case_url).status_code in (302, 404)


def test_no_link_to_a_case_of_another_town(norderstedt, reinbek, office, monkeypatch):
    """The link names only a case of the ticket's own town: bookings and cases are tied within
    one town, and the counter screen checks it all the same."""
    from rathaus.appointments.models import Booking
    from tests.cases.conftest import submitted_make, user_make

    citizen = user_make("erika@example.org")
    case = _checked_in_booking_of_a_case(
        town=norderstedt, office=office, monkeypatch=monkeypatch, citizen=citizen
    )
    ticket = WaitTicket.objects.get(booking__case=case)
    assert queue.ticket_case_reference(municipality=norderstedt, ticket=ticket) == case.reference
    assert queue.ticket_case_reference(municipality=reinbek, ticket=ticket) == ""
    foreign = submitted_make(municipality=reinbek, actor=user_make("max@example.org"))
    Booking.objects.filter(case=case).update(case=foreign)
    assert queue.ticket_case_reference(municipality=norderstedt, ticket=ticket) == ""
    walk_in = queue.ticket_walk_in(municipality=norderstedt, office_slug=office.slug)
    assert queue.ticket_case_reference(municipality=norderstedt, ticket=walk_in) == ""
