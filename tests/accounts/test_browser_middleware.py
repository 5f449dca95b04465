"""API calls without any cookie skip the browser's middleware; everything else goes through it."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from rathaus.accounts import browser_middleware as mw
from rathaus.appointments import challenge as pow_
from rathaus.appointments.models import Booking
from tests.accounts.factories import citizen_create
from tests.appointments.conftest import NOW, TUESDAY, at, office_make

factory = RequestFactory()


def seen(request):
    seen.request = request
    return HttpResponse("ok")


def protected_view(request):
    return HttpResponse("written")


def run_session_and_auth(request):
    handler = mw.BrowserSessionMiddleware(mw.BrowserAuthenticationMiddleware(seen))
    return handler(request)


def test_cookieless_api_call_gets_no_session_and_the_anonymous_user():
    request = factory.get("/api/v1/offices")
    request.META.pop("HTTP_COOKIE", None)
    run_session_and_auth(request)
    assert not hasattr(seen.request, "session")
    assert isinstance(seen.request.user, AnonymousUser)


@pytest.mark.django_db
def test_api_call_with_a_cookie_and_any_page_go_through_sessions_and_auth():
    with_cookie = factory.get("/api/v1/offices", HTTP_COOKIE="sessionid=abc")
    run_session_and_auth(with_cookie)
    assert hasattr(seen.request, "session")
    page = factory.get("/termine/")
    page.META.pop("HTTP_COOKIE", None)
    run_session_and_auth(page)
    assert hasattr(seen.request, "session")
    assert seen.request.user.is_anonymous


def test_csrf_is_checked_for_a_post_with_a_cookie_and_for_pages():
    csrf = mw.BrowserCsrfViewMiddleware(seen)
    for request in (
        factory.post("/api/v1/holds", HTTP_COOKIE="sessionid=abc"),
        factory.post("/termine/buchen/"),
    ):
        request._dont_enforce_csrf_checks = False
        refused = csrf.process_view(request, protected_view, (), {})
        assert refused is not None and refused.status_code == 403
    cookieless = factory.post("/api/v1/holds")
    cookieless.META.pop("HTTP_COOKIE", None)
    # No cookie, so no session to ride on: nothing for CSRF to protect.
    assert csrf.process_view(cookieless, protected_view, (), {}) is None


def test_the_wrapped_classes_are_the_frameworks_own():
    from django.contrib.auth.middleware import AuthenticationMiddleware
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.middleware.csrf import CsrfViewMiddleware

    assert issubclass(mw.BrowserSessionMiddleware, SessionMiddleware)
    assert issubclass(mw.BrowserCsrfViewMiddleware, CsrfViewMiddleware)
    assert issubclass(mw.BrowserAuthenticationMiddleware, AuthenticationMiddleware)


@pytest.mark.django_db
def test_logged_in_citizen_booking_through_the_api_is_still_linked_to_the_account(
    norderstedt, nor_client, settings, monkeypatch
):
    settings.RATHAUS_POW_MAX_NUMBER = 50
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    office_make(norderstedt)
    citizen = citizen_create()
    nor_client.force_login(citizen)
    solution = pow_.challenge_solve(nor_client.get("/api/v1/challenge").json())
    hold = nor_client.post(
        "/api/v1/holds",
        {
            "office": "rathaus",
            "services": [{"service": "anmeldung", "count": 1}],
            "start": at(TUESDAY, 9).isoformat(),
            "challenge": solution,
        },
        content_type="application/json",
    )
    assert hold.status_code == 201
    confirmed = nor_client.post(
        "/api/v1/bookings",
        {"hold_token": hold.json()["token"], "name": "Erika Mustermann", "email": "e@example.org"},
        content_type="application/json",
    )
    assert confirmed.status_code == 202
    assert Booking.objects.get(code=confirmed.json()["code"]).citizen == citizen
