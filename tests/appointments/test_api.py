"""The REST operations: an app can book through them alone."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from rathaus.appointments import challenge as pow_
from rathaus.appointments.constants import BookingStatus
from rathaus.appointments.models import Booking, Slot
from rathaus.notifications.models import OutboxMessage

from .conftest import NOW, TUESDAY, at

pytestmark = pytest.mark.django_db

OPERATIONS = {
    "list_offices",
    "list_office_services",
    "list_free_slots",
    "get_challenge",
    "create_hold",
    "confirm_booking",
    "cancel_booking",
    "get_booking",
}


@pytest.fixture
def rei_client():
    # A client of its own: the shared fixtures wrap one client object.
    return Client(HTTP_HOST="reinbek.localhost")


@pytest.fixture(autouse=True)
def fixed_clock(settings, monkeypatch):
    settings.RATHAUS_POW_MAX_NUMBER = 300
    cache.clear()
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def solved(client):
    response = client.get("/api/v1/challenge")
    assert response.status_code == 200
    return pow_.challenge_solve(response.json())


def hold_body(client, start, **extra):
    body = {
        "office": "rathaus",
        "services": [{"service": "personalausweis", "count": 1}],
        "start": start.isoformat(),
        "challenge": solved(client),
    }
    body.update(extra)
    return body


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_openapi_lists_exactly_the_issue_operation_ids(nor_client, towns):
    schema = nor_client.get("/api/v1/openapi.json").json()
    ids = {
        op["operationId"]
        for path in schema["paths"].values()
        for op in path.values()
        if "appointments" in op.get("tags", [])
    }
    assert ids == OPERATIONS


def test_offices_and_services_are_per_town(nor_client, rei_client, office, rei_office):
    assert [o["slug"] for o in nor_client.get("/api/v1/offices").json()] == ["rathaus"]
    assert [o["slug"] for o in rei_client.get("/api/v1/offices").json()] == ["buergerbuero"]
    services = nor_client.get("/api/v1/offices/rathaus/services").json()
    assert {s["service"]: s["duration_minutes"] for s in services} == {
        "anmeldung": 10,
        "personalausweis": 20,
    }
    foreign = rei_client.get("/api/v1/offices/rathaus/services")
    assert foreign.status_code == 404
    assert foreign.json()["code"] == "not_found"


def test_free_slots_sum_the_services(nor_client, office):
    response = nor_client.get(
        "/api/v1/offices/rathaus/free-slots",
        {"services": ["personalausweis:2", "anmeldung"], "from": "2026-06-09", "to": "2026-06-09"},
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["duration_minutes"] == 50
    assert data["starts"][0].startswith("2026-06-09T08:00:00+02:00")
    assert len(data["starts"]) == (24 - 4) + (12 - 4)
    unknown = nor_client.get(
        "/api/v1/offices/rathaus/free-slots",
        {"services": "hundesteuer", "from": "2026-06-09", "to": "2026-06-09"},
    )
    assert unknown.status_code == 422
    assert unknown.json()["code"] == "service_not_offered"


def test_book_confirm_look_up_and_cancel_through_the_api(
    nor_client, office, django_capture_on_commit_callbacks
):
    body = hold_body(nor_client, at(TUESDAY, 9))
    created = post(nor_client, "/api/v1/holds", body)
    assert created.status_code == 201, created.content
    hold = created.json()
    assert hold["start"].startswith("2026-06-09T09:00:00+02:00")
    assert hold["end"].startswith("2026-06-09T09:20:00+02:00")

    replay = post(nor_client, "/api/v1/holds", body | {"start": at(TUESDAY, 10).isoformat()})
    assert replay.status_code == 403
    assert replay.json()["code"] == "challenge_reused"
    gone = post(nor_client, "/api/v1/holds", hold_body(nor_client, at(TUESDAY, 9, 10)))
    assert gone.status_code == 409
    assert gone.json() == {
        "code": "slot_unavailable",
        "message": gone.json()["message"],
        "details": {},
    }
    assert gone.json()["message"]

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = post(
            nor_client,
            "/api/v1/bookings",
            {"hold_token": hold["token"], "name": "Erika Mustermann", "email": "erika@example.org"},
        )
    assert confirmed.status_code == 202, confirmed.content
    code = confirmed.json()["code"]
    assert confirmed.json()["status"] == "held"
    assert "name" not in confirmed.json() and "email" not in confirmed.json()

    link = re.search(r"/termine/bestaetigen/\S+/", OutboxMessage.objects.get().body).group(0)
    with django_capture_on_commit_callbacks(execute=True):
        assert nor_client.post(link).status_code == 200
    cancel_link = re.search(r"/termine/absagen/(\w+)/(\S+)/", OutboxMessage.objects.first().body)
    assert cancel_link.group(1) == code
    token = cancel_link.group(2)

    assert nor_client.get(f"/api/v1/bookings/{code}", {"token": "forged"}).status_code == 404
    looked_up = nor_client.get(f"/api/v1/bookings/{code}", {"token": token})
    assert looked_up.status_code == 200
    assert looked_up.json()["status"] == "confirmed"
    assert looked_up.json()["services"] == [{"service": "personalausweis", "count": 1}]

    forged = post(nor_client, f"/api/v1/bookings/{code}/cancel", {"token": token + "x"})
    assert forged.status_code == 403
    assert forged.json()["code"] == "invalid_token"
    cancelled = post(nor_client, f"/api/v1/bookings/{code}/cancel", {"token": token})
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    again = post(nor_client, f"/api/v1/bookings/{code}/cancel", {"token": token})
    assert again.status_code == 409
    assert again.json()["code"] == "not_cancellable"
    assert Booking.objects.get().status == BookingStatus.CANCELLED
    assert Slot.objects.get(start=at(TUESDAY, 9)).taken == 1  # quarantine


def test_another_town_cannot_use_this_towns_hold_or_booking(nor_client, rei_client, office):
    hold = post(nor_client, "/api/v1/holds", hold_body(nor_client, at(TUESDAY, 9))).json()
    foreign = post(
        rei_client,
        "/api/v1/bookings",
        {"hold_token": hold["token"], "name": "Max Meier", "email": "max@example.org"},
    )
    assert foreign.status_code == 404
    assert foreign.json()["code"] == "hold_not_found"
    cross = post(rei_client, "/api/v1/holds", hold_body(nor_client, at(TUESDAY, 10)))
    assert cross.status_code == 404  # Reinbek has no office "rathaus"


def test_invalid_requests_get_the_error_format(nor_client, office):
    response = post(nor_client, "/api/v1/holds", {"office": "rathaus"})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"
    assert response.json()["details"]["errors"]
    no_challenge = post(
        nor_client, "/api/v1/holds", hold_body(nor_client, at(TUESDAY, 9), challenge="e30=")
    )
    assert no_challenge.status_code == 403
    assert no_challenge.json()["code"] == "challenge_invalid"
    assert Slot.objects.get(start=at(TUESDAY, 9)).taken == 0


def test_free_slot_listing_is_cached_briefly_and_the_hold_stays_the_truth(
    nor_client, office, page_cache
):
    query = {"services": "personalausweis", "from": "2026-06-09", "to": "2026-06-09"}
    url = "/api/v1/offices/rathaus/free-slots"
    first = nor_client.get(url, query).json()["starts"]
    created = post(nor_client, "/api/v1/holds", hold_body(nor_client, at(TUESDAY, 8)))
    assert created.status_code == 201
    assert nor_client.get(url, query).json()["starts"] == first  # served from the cache
    again = post(nor_client, "/api/v1/holds", hold_body(nor_client, at(TUESDAY, 8)))
    assert again.status_code == 409  # the listing was stale, the hold decides
    page_cache.clear()  # what happens after at most two seconds
    fresh = nor_client.get(url, query).json()["starts"]
    assert fresh[0].startswith("2026-06-09T08:20:00+02:00")


def test_challenge_rate_limit_and_replay_hold_with_the_shared_cache(
    cache_backend, nor_client, rei_client, office, settings
):
    """Local memory and Redis alike: the fourth challenge in the window from one address is
    twice as hard, another town counts apart, and a spent solution is refused over HTTP."""
    settings.RATHAUS_POW_MAX_NUMBER = 1000
    levels = [nor_client.get("/api/v1/challenge").json()["maxnumber"] for _ in range(5)]
    assert levels == [1000, 1000, 1000, 2000, 4000]
    assert rei_client.get("/api/v1/challenge").json()["maxnumber"] == 1000

    body = hold_body(nor_client, at(TUESDAY, 9))
    assert post(nor_client, "/api/v1/holds", body).status_code == 201
    replay = post(nor_client, "/api/v1/holds", body | {"start": at(TUESDAY, 10).isoformat()})
    assert replay.status_code == 403
    assert replay.json()["code"] == "challenge_reused"
