"""Per-identity limit, QR check-in, statistics page and the no-show task."""

import inspect
import re
import threading
from unittest import mock

import pytest
import segno
from django.db import connection
from django.test import Client
from django.utils import timezone, translation

from rathaus.accounts.constants import SESSION_TRUST_LEVEL, StaffRole, TrustLevel
from rathaus.appointments import queue, services, tasks
from rathaus.appointments.admin import BookingAdmin
from rathaus.appointments.constants import BookingStatus, ErrorCode
from rathaus.appointments.models import Booking, WaitTicket
from rathaus.appointments.services import AppointmentError
from rathaus.appointments.views import SESSION_KEY
from rathaus.core.models import AuditEvent
from rathaus.notifications.models import OutboxMessage
from tests.accounts.factories import citizen_create, login_verified, staff_create

from .conftest import ANMELDUNG, NOW, TUESDAY, at, office_make

pytestmark = pytest.mark.django_db


def hold_at(office, hour, minute=0, now=NOW):
    return services.hold_create(
        municipality=office.municipality,
        office=office,
        services=[(ANMELDUNG, 1)],
        start=at(TUESDAY, hour, minute),
        now=now,
    )


def confirm(office, hold, email, **extra):
    return services.booking_confirm(
        municipality=office.municipality,
        hold_token=hold.token,
        name="Erika Mustermann",
        email=email,
        now=NOW,
        **extra,
    )


def booked(office, hour, email, minute=0):
    booking = confirm(office, hold_at(office, hour, minute), email)
    return services.booking_finalise(
        municipality=office.municipality, token=services.confirm_token_make(booking), now=NOW
    )


def citizen_session(client, citizen, level):
    client.force_login(citizen)
    session = client.session
    session[SESSION_TRUST_LEVEL] = level
    session.save()


# --- limit per verified identity -----------------------------------------------------------------
def test_verified_citizen_is_limited_per_identity_whatever_the_address(norderstedt):
    office = office_make(norderstedt, max_bookings_per_identity=1, max_bookings_per_email=5)
    citizen = citizen_create()
    first = confirm(
        office, hold_at(office, 9), "a@example.org", citizen=citizen, trust_level="substantial"
    )
    assert first.citizen == citizen
    with pytest.raises(AppointmentError) as refused:
        confirm(office, hold_at(office, 10), "b@example.org", citizen=citizen, trust_level="high")
    assert refused.value.code == ErrorCode.IDENTITY_LIMIT_REACHED
    assert refused.value.details == {"limit": 1}
    assert Booking.objects.count() == 1
    # A cancelled appointment no longer counts.
    confirmed = services.booking_finalise(
        municipality=norderstedt, token=services.confirm_token_make(first), now=NOW
    )
    services.booking_cancel(
        municipality=norderstedt,
        code=confirmed.code,
        token=services.cancel_token_make(confirmed),
        now=NOW,
    )
    again = confirm(
        office, hold_at(office, 11), "c@example.org", citizen=citizen, trust_level="high"
    )
    assert again.status == BookingStatus.HELD


def test_basic_trust_and_anonymous_bookings_only_meet_the_email_limit(norderstedt):
    office = office_make(norderstedt, max_bookings_per_identity=1, max_bookings_per_email=5)
    citizen = citizen_create()
    for hour, email in ((9, "a@example.org"), (10, "b@example.org")):
        confirm(office, hold_at(office, hour), email, citizen=citizen, trust_level="basic")
    confirm(office, hold_at(office, 11), "c@example.org")
    assert Booking.objects.filter(citizen=citizen).count() == 2
    assert Booking.objects.count() == 3


def test_details_page_prefills_and_refuses_over_the_identity_limit(
    nor_client, norderstedt, monkeypatch
):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    office = office_make(norderstedt, max_bookings_per_identity=1)
    citizen = citizen_create(email="erika@example.org")
    citizen_session(nor_client, citizen, TrustLevel.HIGH)
    confirm(office, hold_at(office, 9), "other@example.org", citizen=citizen, trust_level="high")

    hold = hold_at(office, 10)
    session = nor_client.session
    session[SESSION_KEY] = {"hold_token": hold.token}
    session.save()
    page = nor_client.get("/termine/angaben/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="Erika Mustermann"' in html and 'value="erika@example.org"' in html

    refused = nor_client.post(
        "/termine/angaben/", {"name": "Erika Mustermann", "email": "erika@example.org"}
    )
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "rh-error-summary" in html
    with translation.override("de"):
        message = str(ErrorCode.IDENTITY_LIMIT_REACHED.label)
    with translation.override("en"):
        assert message != str(ErrorCode.IDENTITY_LIMIT_REACHED.label)  # German exists
    assert message in html
    assert Booking.objects.filter(hold=hold).count() == 0


def test_api_refuses_over_the_identity_limit_with_a_stable_code(
    nor_client, norderstedt, monkeypatch
):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    office = office_make(norderstedt, max_bookings_per_identity=1)
    citizen = citizen_create()
    citizen_session(nor_client, citizen, TrustLevel.SUBSTANTIAL)
    body = {"name": "Erika Mustermann", "email": "a@example.org", "phone": ""}
    first = nor_client.post(
        "/api/v1/bookings",
        {**body, "hold_token": hold_at(office, 9).token},
        content_type="application/json",
    )
    assert first.status_code == 202, first.content
    second = nor_client.post(
        "/api/v1/bookings",
        {**body, "email": "b@example.org", "hold_token": hold_at(office, 10).token},
        content_type="application/json",
    )
    assert second.status_code == 409
    assert second.json()["code"] == "identity_limit_reached"
    assert second.json()["details"] == {"limit": 1}


def test_names_on_a_booking_cannot_be_changed(norderstedt):
    office = office_make(norderstedt)
    booking = booked(office, 9, "a@example.org")
    # The only admin is read-only and does not even show the name.
    admin = BookingAdmin(Booking, None)
    assert admin.has_change_permission(None, booking) is False
    assert "name" not in admin.fields
    # Moving keeps the name: a new name means a new booking.
    moved = services.booking_move(
        municipality=norderstedt,
        code=booking.code,
        token=services.move_token_make(booking),
        start=at(TUESDAY, 11),
        now=NOW,
    )
    moved.refresh_from_db()
    assert moved.name == "Erika Mustermann"
    # No service takes a name for an existing booking.
    for service in (services.booking_finalise, services.booking_cancel, services.booking_move):
        assert "name" not in inspect.signature(service).parameters


@pytest.mark.django_db(transaction=True)
def test_parallel_confirmations_by_one_identity_respect_the_limit(towns):
    from rathaus.tenants.models import Municipality

    town = Municipality.objects.get(slug="norderstedt")
    office = office_make(town, counters=20, max_bookings_per_identity=2, max_bookings_per_email=50)
    citizen = citizen_create()
    holds = [hold_at(office, 9 + i // 6, (i % 6) * 10) for i in range(12)]
    barrier = threading.Barrier(len(holds))
    outcomes = []
    lock = threading.Lock()

    def worker(index):
        try:
            barrier.wait()
            try:
                confirm(
                    office,
                    holds[index],
                    f"p{index}@example.org",
                    citizen=citizen,
                    trust_level="high",
                )
                result = "ok"
            except AppointmentError as error:
                result = error.code.value
            with lock:
                outcomes.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(holds))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes).count("ok") == 2
    assert outcomes.count("identity_limit_reached") == 10
    assert Booking.objects.filter(citizen=citizen).count() == 2


# --- QR code and check-in ------------------------------------------------------------------------
def qr_path(code):
    svg = segno.make(code, error="m").svg_inline(scale=6, border=4)
    return re.search(r'd="([^"]+)"', svg.split("<path", 2)[-1]).group(1)


def test_confirmation_page_and_booking_page_show_the_code_as_qr(
    nor_client, norderstedt, reinbek, django_capture_on_commit_callbacks
):
    office = office_make(norderstedt)
    booking = confirm(office, hold_at(office, 9), "a@example.org")
    token = services.confirm_token_make(booking)
    with (
        mock.patch.object(timezone, "now", lambda: NOW),
        django_capture_on_commit_callbacks(execute=True),
    ):
        page = nor_client.post(f"/termine/bestaetigen/{token}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<svg role="img"' in html and "style=" not in html.split("<svg", 1)[1].split("</svg>")[0]
    assert qr_path(booking.code) in html
    booked_mail = OutboxMessage.objects.order_by("-pk").first().body
    path = re.search(r"/termine/termin/\S+/", booked_mail).group(0)
    assert path in html  # the confirmation page links to the booking page too

    booking_page = nor_client.get(path)
    assert booking_page.status_code == 200
    assert qr_path(booking.code) in booking_page.content.decode()
    assert booking.code in booking_page.content.decode()
    assert nor_client.get(path.replace(booking.code, "ZZZZ2345")).status_code == 404
    forged = f"/termine/termin/{booking.code}/{services.move_token_make(booking)}/"
    assert nor_client.get(forged).status_code == 404
    other_town = Client(HTTP_HOST="reinbek.localhost")
    assert other_town.get(path).status_code == 404


def test_check_in_page_accepts_a_scanned_code(nor_client, norderstedt, monkeypatch):
    office = office_make(norderstedt)
    booking = booked(office, 9, "a@example.org")
    monkeypatch.setattr(timezone, "now", lambda: at(TUESDAY, 8, 50))
    url = f"/termine/einchecken/{office.slug}/"
    page = nor_client.get(url)
    assert page.status_code == 200
    assert re.search(r'<input[^>]+name="code"[^>]+autofocus', page.content.decode())
    # A scanner types the QR code's content like a keyboard, here with a trailing line break.
    scanned = nor_client.post(url, {"code": f" {booking.code.lower()}\r\n"})
    assert scanned.status_code == 200
    assert "T001" in scanned.content.decode()
    assert WaitTicket.objects.get().booking == booking
    wrong = nor_client.post(url, {"code": "NOPE2345"})
    assert "rh-error-summary" in wrong.content.decode()
    assert WaitTicket.objects.count() == 1


# --- statistics page -----------------------------------------------------------------------------
def test_statistics_page_for_team_leads_only(client, norderstedt, reinbek, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: at(TUESDAY, 12))
    office = office_make(norderstedt)
    booked(office, 9, "a@example.org")
    booked(office, 10, "b@example.org")
    client.defaults["HTTP_HOST"] = "norderstedt.localhost"
    url = f"/termine/statistik/{office.slug}/"
    assert client.get(url).status_code == 302  # anonymous: to the staff login

    citizen = citizen_create()
    citizen_session(client, citizen, TrustLevel.HIGH)
    assert client.get(url).status_code == 302  # a citizen is no staff member
    client.logout()

    login_verified(client, staff_create(municipality=norderstedt))  # a clerk
    assert client.get(url).status_code == 404
    client.logout()
    login_verified(client, staff_create(municipality=reinbek, role=StaffRole.ADMIN))
    assert client.get(url).status_code == 404
    client.logout()

    login_verified(client, staff_create(municipality=norderstedt, role=StaffRole.TEAM_LEAD))
    page = client.get(url, {"tag": TUESDAY.isoformat()})
    assert page.status_code == 200
    html = page.content.decode()
    assert '<table class="kern-table">' in html and "<caption" in html
    figures = dict(re.findall(r'<th scope="row">([^<]+)</th><td>([^<]+)</td>', html))
    assert len(figures) == 8
    assert "2" in figures.values()  # two booked appointments
    bad = client.get(url, {"tag": "gestern"})
    assert bad.status_code == 400 and "rh-error-summary" in bad.content.decode()
    client.logout()
    login_verified(client, staff_create(municipality=norderstedt, role=StaffRole.ADMIN))
    assert client.get(url).status_code == 200


# --- no-show task --------------------------------------------------------------------------------
def test_over_and_never_checked_in_becomes_no_show(norderstedt, monkeypatch):
    office = office_make(norderstedt)
    came = booked(office, 9, "a@example.org")
    missed = booked(office, 10, "b@example.org")
    later = booked(office, 14, "c@example.org")
    queue.ticket_check_in(
        municipality=norderstedt, office_slug=office.slug, code=came.code, now=at(TUESDAY, 8, 55)
    )
    # Within the check-in window of the 10:00 appointment nothing is marked yet.
    assert services.bookings_mark_no_show(now=at(TUESDAY, 10, 12)) == 0
    assert services.bookings_mark_no_show(now=at(TUESDAY, 10, 16)) == 1
    statuses = dict(Booking.objects.values_list("code", "status"))
    assert statuses == {
        came.code: BookingStatus.CONFIRMED,
        missed.code: BookingStatus.NO_SHOW,
        later.code: BookingStatus.CONFIRMED,
    }
    assert AuditEvent.objects.filter(action="appointments.booking.no_show").count() == 1
    assert services.bookings_mark_no_show(now=at(TUESDAY, 10, 30)) == 0  # once only
    with pytest.raises(AppointmentError):  # a no-show cannot check in afterwards
        queue.ticket_check_in(
            municipality=norderstedt,
            office_slug=office.slug,
            code=missed.code,
            now=at(TUESDAY, 10, 14),
        )
    clerk = staff_create(municipality=norderstedt)
    monkeypatch.setattr(timezone, "now", lambda: at(TUESDAY, 10, 30))
    figures = queue.office_day_statistics(
        actor=clerk, municipality=norderstedt, office_slug=office.slug, day=TUESDAY
    )
    assert figures["bookings"] == 3 and figures["no_shows"] == 1


def test_no_show_task_runs_the_service(norderstedt, monkeypatch):
    office = office_make(norderstedt)
    booked(office, 9, "a@example.org")
    monkeypatch.setattr(timezone, "now", lambda: at(TUESDAY, 12))
    tasks.bookings_no_show_task.call_local()
    assert Booking.objects.get().status == BookingStatus.NO_SHOW
