"""The Bürgerterminal over HTTP: enrolment, the wipe after "Fertig" and after inactivity,
revocation, the staff's pages, downloads and the town boundary."""

import secrets
import time
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import Client, TestCase
from django.urls import reverse

from rathaus.accounts.constants import StaffRole
from rathaus.appointments import services as appointment_services
from rathaus.appointments.models import WaitTicket
from rathaus.cases.constants import SESSION_DRAFT_OWNER, CaseStatus
from rathaus.cases.models import Case
from rathaus.cases.selectors import owner_token_digest
from rathaus.kiosk import middleware as kiosk_middleware
from rathaus.kiosk.constants import DEVICE_COOKIE, SESSION_LAST_INPUT
from rathaus.kiosk.models import Terminal
from rathaus.kiosk.services import terminal_revoke
from tests.accounts.factories import citizen_create, login_verified, staff_create
from tests.appointments.conftest import ANMELDUNG, NOW, TUESDAY, at

from .conftest import enrolled_client, terminal_make

pytestmark = pytest.mark.django_db


def draft_in_session(client, municipality) -> Case:
    """A draft as a visitor's journey leaves it: owned by the session's owner token."""
    token = secrets.token_urlsafe(16)
    session = client.session
    session[SESSION_DRAFT_OWNER] = token
    session.save()
    return Case.objects.create(
        municipality=municipality,
        procedure_key="general_request",
        owner_token_digest=owner_token_digest(token),
        status=CaseStatus.DRAFT,
        answers={"subject": "Meine Nachbarn"},
        idempotency_key=secrets.token_hex(8),
    )


def test_a_one_time_code_makes_a_browser_a_terminal_once(norderstedt, terminal):
    client = enrolled_client(terminal.code)
    terminal.refresh_from_db()
    assert terminal.enrolled_at is not None and terminal.device_token_digest
    assert not terminal.enrolment_code_digest
    start = client.get("/terminal/")
    assert start.status_code == 200 and start.context["kiosk"] == terminal
    again = Client(HTTP_HOST="norderstedt.localhost").post(
        "/terminal/einrichten/", {"code": terminal.code}
    )
    assert again.context["form"].errors and DEVICE_COOKIE not in again.cookies


def test_a_code_works_only_in_its_own_town(reinbek, terminal):
    other = Client(HTTP_HOST="reinbek.localhost")
    refused = other.post("/terminal/einrichten/", {"code": terminal.code})
    assert refused.context["form"].errors
    assert DEVICE_COOKIE not in refused.cookies


def test_enrolment_tries_are_limited_per_address(norderstedt, terminal):
    guesser = Client(HTTP_HOST="norderstedt.localhost")
    for _ in range(10):
        assert guesser.post("/terminal/einrichten/", {"code": "WRONG-CODE"}).context["form"].errors
    refused = guesser.post("/terminal/einrichten/", {"code": terminal.code})
    assert DEVICE_COOKIE not in refused.cookies
    assert "Zu viele Versuche" in refused.content.decode()


def test_the_device_cookie_is_no_terminal_in_another_town(kiosk_client, reinbek):
    cookie = kiosk_client.cookies[DEVICE_COOKIE].value
    other = Client(HTTP_HOST="reinbek.localhost")
    other.cookies[DEVICE_COOKIE] = cookie
    page = other.get("/")
    assert page.status_code == 200 and page.context["kiosk"] is None
    assert other.get("/terminal/").status_code == 404


def test_the_start_screen_is_a_kiosk_page(kiosk_client, norderstedt):
    page = kiosk_client.get("/terminal/")
    html = page.content.decode()
    assert page["Cache-Control"] == "no-store"
    assert 'action="/terminal/fertig/"' in html
    assert 'action="/terminal/wartenummer/"' in html and 'href="/terminal/einchecken/"' in html
    assert 'href="/termine/"' in html  # book an appointment
    assert "/sprache/en/" in html  # the language switch
    assert "mailto:" not in html and "tel:" not in html and "https://" not in html
    assert 'href="/impressum/"' not in html  # no footer of the normal site
    assert Client(HTTP_HOST="norderstedt.localhost").get("/terminal/").status_code == 404


def test_every_page_on_a_terminal_turns_off_autofill_and_foreign_links(kiosk_client):
    page = kiosk_client.get("/konto/anmelden/").content.decode()
    assert "<form" in page
    assert page.count("<form") == page.count('<form autocomplete="off"')
    assert 'autocomplete="email"' not in page and 'autocomplete="current-password"' not in page


def test_done_leaves_nothing_of_the_visitor(kiosk_client, norderstedt, terminal):
    citizen = citizen_create()
    kiosk_client.force_login(citizen)
    draft = draft_in_session(kiosk_client, norderstedt)
    other_draft = Case.objects.create(
        municipality=norderstedt,
        procedure_key="general_request",
        owner_token_digest=owner_token_digest("someone-else"),
        status=CaseStatus.DRAFT,
        answers={},
        idempotency_key="other",
    )
    kiosk_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    kiosk_client.post(reverse("kiosk:display"), {"setting": "contrast"})
    old_session = kiosk_client.session.session_key

    response = kiosk_client.post("/terminal/fertig/")
    assert response.status_code == 302 and response["Location"] == "/terminal/?ende=fertig"
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == ""
    assert DEVICE_COOKIE not in response.cookies  # the terminal stays a terminal
    assert not Case.objects.filter(pk=draft.pk).exists()
    assert Case.objects.filter(pk=other_draft.pk).exists()

    start = kiosk_client.get(response["Location"])
    assert start.status_code == 200 and start.context["kiosk"] == terminal
    assert not start.context["user"].is_authenticated
    assert not start.context["kiosk_contrast"]
    assert kiosk_client.session.session_key != old_session
    assert SESSION_DRAFT_OWNER not in kiosk_client.session
    assert kiosk_client.get("/konto/").status_code == 302  # to the login: nobody is logged in


def test_the_server_ends_an_idle_session_whatever_the_page_did(
    kiosk_client, norderstedt, monkeypatch, settings
):
    settings.RATHAUS_KIOSK_IDLE_SECONDS = 120
    kiosk_client.force_login(citizen_create())
    draft = draft_in_session(kiosk_client, norderstedt)
    kiosk_client.get("/terminal/")
    assert kiosk_client.session[SESSION_LAST_INPUT]

    now = time.time()
    monkeypatch.setattr(kiosk_middleware, "time", SimpleNamespace(time=lambda: now + 119))
    assert kiosk_client.get("/konto/").status_code == 200  # still within the limit
    monkeypatch.setattr(kiosk_middleware, "time", SimpleNamespace(time=lambda: now + 119 + 121))
    ended = kiosk_client.get("/konto/")
    assert ended.status_code == 302 and ended["Location"] == "/terminal/?ende=zeit"
    assert not Case.objects.filter(pk=draft.pk).exists()
    assert kiosk_client.get("/konto/").status_code == 302  # logged out


def test_the_pages_countdown_runs_except_on_an_untouched_start_screen(kiosk_client, settings):
    settings.RATHAUS_KIOSK_IDLE_SECONDS = 45
    fresh = kiosk_client.get("/terminal/").content.decode()
    assert "data-kiosk-idle" not in fresh and "data-kiosk-live" in fresh
    elsewhere = kiosk_client.get("/leistungen/").content.decode()
    assert 'data-kiosk-idle="45"' in elsewhere
    assert kiosk_client.post("/terminal/aktiv/").status_code == 204


def test_a_revoked_terminal_is_the_normal_site_again(kiosk_client, terminal):
    terminal_revoke(terminal=terminal, actor=None)
    page = kiosk_client.get("/")
    assert page.status_code == 200 and page.context["kiosk"] is None
    assert 'href="/impressum/"' in page.content.decode()
    assert page.cookies[DEVICE_COOKIE].value == ""  # the stale cookie is deleted
    assert kiosk_client.get("/terminal/").status_code == 404


def test_reenrolling_elsewhere_ends_the_old_browser(kiosk_client, terminal):
    from rathaus.kiosk.services import terminal_enrolment_code_issue

    code = terminal_enrolment_code_issue(terminal=terminal, actor=None)
    assert kiosk_client.get("/terminal/").status_code == 200  # the code alone changes nothing
    new_browser = enrolled_client(code)
    assert new_browser.get("/terminal/").status_code == 200
    assert kiosk_client.get("/terminal/").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/verwaltung/",
        "/verwaltung/admin/",
        "/verwaltung/briefwahl/",
        "/konto/mitarbeitende/anmelden/",
        "/termine/schalter/rathaus/",
        "/termine/statistik/rathaus/",
        "/termine/verwaltung/rathaus/tag/",
    ],
)
def test_a_terminal_cannot_reach_staff_pages(kiosk_client, path):
    response = kiosk_client.get(path)
    assert response.status_code == 403
    assert "kiosk/refused.html" in [t.name for t in response.templates]


def test_a_clerk_logged_in_on_a_terminal_is_logged_out_and_refused(kiosk_client, norderstedt):
    clerk = staff_create(municipality=norderstedt, role=StaffRole.ADMIN)
    login_verified(kiosk_client, clerk)
    assert kiosk_client.get("/verwaltung/").status_code == 403
    assert kiosk_client.get("/leistungen/").context["user"].is_authenticated is False
    assert kiosk_client.get("/verwaltung/").status_code == 403
    # The same clerk on a normal browser reaches the back office.
    desk = Client(HTTP_HOST="norderstedt.localhost")
    login_verified(desk, clerk)
    assert desk.get("/verwaltung/").status_code == 200


def test_walk_in_and_the_ticket_which_fertig_takes_away(kiosk_client, office):
    response = kiosk_client.post("/terminal/wartenummer/")
    assert response.status_code == 302 and response["Location"] == "/terminal/nummer/"
    ticket = WaitTicket.objects.get()
    assert ticket.office == office
    page = kiosk_client.get("/terminal/nummer/")
    assert ticket.number in page.content.decode()
    kiosk_client.post("/terminal/fertig/")
    assert kiosk_client.get("/terminal/nummer/")["Location"] == "/terminal/"


def test_check_in_by_booking_code(kiosk_client, norderstedt, office, monkeypatch):
    hold = appointment_services.hold_create(
        municipality=norderstedt,
        office=office,
        services=[(ANMELDUNG, 1)],
        start=at(TUESDAY, 9),
        now=NOW,
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        booking = appointment_services.booking_confirm(
            municipality=norderstedt,
            hold_token=hold.token,
            name="E",
            email="e@example.org",
            now=NOW,
        )
        appointment_services.booking_finalise(
            municipality=norderstedt,
            token=appointment_services.confirm_token_make(booking),
            now=NOW,
        )
    from rathaus.appointments import queue

    monkeypatch.setattr(queue, "timezone", SimpleNamespace(now=lambda: at(TUESDAY, 8, 55)))
    wrong = kiosk_client.post("/terminal/einchecken/", {"code": "XXXXXXXX"})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    done = kiosk_client.post("/terminal/einchecken/", {"code": f" {booking.code.lower()}\n"})
    assert done.status_code == 302
    ticket = WaitTicket.objects.get(booking=booking)
    assert ticket.number in kiosk_client.get("/terminal/nummer/").content.decode()


def test_a_terminal_without_office_offers_no_queue(norderstedt):
    terminal, code = terminal_make(norderstedt, office=None, name="Bibliothek")
    client = enrolled_client(code)
    page = client.get("/terminal/").content.decode()
    assert "/terminal/wartenummer/" not in page
    assert client.post("/terminal/wartenummer/").status_code == 404
    assert Terminal.objects.get(pk=terminal.pk).last_seen_at is not None


def test_files_are_not_handed_to_a_terminal(kiosk_client, rf, terminal, norderstedt):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore
    from django.http import HttpResponse

    request = rf.get("/anliegen/x/dokument/", HTTP_HOST="norderstedt.localhost")
    request.municipality, request.kiosk = norderstedt, terminal
    request.user, request.session = AnonymousUser(), SessionStore()
    pdf = HttpResponse(b"%PDF-1.7", content_type="application/pdf")
    pdf["Content-Disposition"] = 'attachment; filename="a.pdf"'
    middleware = kiosk_middleware.KioskMiddleware(lambda r: pdf)
    page = middleware._finish(request, pdf)
    assert page["Content-Type"].startswith("text/html")
    assert b"terminal-drucken=1" in page.content
    printing = rf.get("/anliegen/x/dokument/?terminal-drucken=1", HTTP_HOST="norderstedt.localhost")
    printing.municipality, printing.kiosk = norderstedt, terminal
    printing.user, printing.session = AnonymousUser(), SessionStore()
    shown = middleware._finish(printing, pdf)
    assert shown["Content-Disposition"] == "inline" and shown.content == b"%PDF-1.7"
    calendar = HttpResponse(b"BEGIN:VCALENDAR", content_type="text/calendar")
    refused = middleware._finish(request, calendar)
    assert b"BEGIN:VCALENDAR" not in refused.content and b"terminal-drucken" not in refused.content


def test_a_redirect_to_another_site_stays_on_the_terminal(rf, terminal, norderstedt):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore
    from django.http import HttpResponseRedirect

    request = rf.get("/bezahlen/x/", HTTP_HOST="norderstedt.localhost")
    request.municipality, request.kiosk = norderstedt, terminal
    request.user, request.session = AnonymousUser(), SessionStore()
    away = HttpResponseRedirect("https://payment.example.org/pay")
    page = kiosk_middleware.KioskMiddleware(lambda r: away)._finish(request, away)
    assert page.status_code == 200 and "Location" not in page


def test_town_admin_enrols_lists_and_revokes_own_terminals(
    nor_client, norderstedt, reinbek, office
):
    foreign, _code = terminal_make(reinbek, name="Reinbek Foyer")
    admin_user = staff_create(municipality=norderstedt, role=StaffRole.ADMIN)
    login_verified(nor_client, admin_user)
    added = nor_client.post(
        reverse("admin:kiosk_terminal_add"),
        {"name": "Eingangshalle", "office": office.pk},
        follow=True,
    )
    assert added.status_code == 200
    notice = next(str(m) for m in added.context["messages"] if "Eingangshalle" in str(m))
    code = notice.split(": ")[1].split(" ")[0]
    terminal = Terminal.objects.get(name="Eingangshalle")
    assert terminal.municipality == norderstedt
    listing = nor_client.get(reverse("admin:kiosk_terminal_changelist"))
    assert b"Eingangshalle" in listing.content and b"Reinbek Foyer" not in listing.content
    assert (
        nor_client.get(reverse("admin:kiosk_terminal_change", args=[foreign.pk])).status_code == 404
    )

    device = enrolled_client(code)
    assert device.get("/terminal/").status_code == 200
    nor_client.post(
        reverse("admin:kiosk_terminal_changelist"),
        {"action": "revoke", "_selected_action": [terminal.pk]},
    )
    assert Terminal.objects.get(pk=terminal.pk).revoked_at is not None
    assert device.get("/terminal/").status_code == 404


def test_a_clerk_cannot_enrol_terminals(nor_client, norderstedt):
    login_verified(nor_client, staff_create(municipality=norderstedt))
    response = nor_client.post(reverse("admin:kiosk_terminal_add"), {"name": "X"})
    assert response.status_code in (302, 403, 404)
    assert not Terminal.objects.exists()
