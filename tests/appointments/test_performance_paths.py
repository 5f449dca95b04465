"""The release-storm hot paths: the free-slot listing from a cache of at most two seconds, and a
hold in one transaction with few statements, without giving up any guarantee."""

import time

import pytest
from django.core.cache import cache
from django.core.cache.backends import locmem
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rathaus.appointments import challenge as pow_
from rathaus.appointments import selectors, services
from rathaus.appointments.constants import ErrorCode
from rathaus.appointments.models import Hold, Slot, UsedChallenge
from rathaus.appointments.services import AppointmentError
from rathaus.core.cache import ProcessCache

from .conftest import AUSWEIS, NOW, TUESDAY, at, office_make

pytestmark = pytest.mark.django_db

URL = "/api/v1/offices/rathaus/free-slots"
QUERY = {"services": "personalausweis", "from": "2026-06-09", "to": "2026-06-09"}


@pytest.fixture(autouse=True)
def fixed_clock(settings, monkeypatch, page_cache):
    settings.RATHAUS_POW_MAX_NUMBER = 300
    cache.clear()
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def solved(client):
    return pow_.challenge_solve(client.get("/api/v1/challenge").json())


def hold_post(client, start, service="personalausweis", solution=None):
    body = {
        "office": "rathaus",
        "services": [{"service": service, "count": 1}],
        "start": start.isoformat(),
        "challenge": solution or solved(client),
    }
    return client.post("/api/v1/holds", body, content_type="application/json")


def test_cached_listing_runs_no_query_and_expires_within_two_seconds(
    nor_client, office, monkeypatch
):
    first = nor_client.get(URL, QUERY)
    assert first.status_code == 200
    assert first["Content-Type"].startswith("application/json")
    assert first.json()["starts"][0].startswith("2026-06-09T08:00:00+02:00")
    with CaptureQueriesContext(connection) as queries:
        again = nor_client.get(URL, QUERY)
    assert again.content == first.content
    assert len(queries) == 0
    assert not again.cookies  # answered before sessions run, nothing set
    Slot.objects.filter(office=office, start=at(TUESDAY, 8)).update(taken=1)
    # Just under two seconds later the answer may still be the cached one ...
    clock = time.time()
    monkeypatch.setattr(locmem.time, "time", lambda: clock + 1.9)
    assert nor_client.get(URL, QUERY).content == first.content
    # ... after two seconds it is computed again.
    monkeypatch.setattr(locmem.time, "time", lambda: clock + 2.01)
    fresh = nor_client.get(URL, QUERY).json()["starts"]
    assert not fresh[0].startswith("2026-06-09T08:00:00")


def test_listing_is_not_shared_with_a_logged_in_visitor(nor_client, office, page_cache):
    nor_client.get(URL, QUERY)
    assert len(page_cache._cache) == 1
    nor_client.cookies["sessionid"] = "irgendwas"
    with CaptureQueriesContext(connection) as queries:
        assert nor_client.get(URL, QUERY).status_code == 200
    assert len(queries) >= 1  # computed for this visitor, not served from the anonymous cache


def test_listing_answer_is_the_schema_of_the_api(nor_client, office):
    data = nor_client.get(URL, {**QUERY, "services": "anmeldung:2"}).json()
    assert set(data) == {"office", "duration_minutes", "starts"}
    assert data["office"] == "rathaus"
    assert data["duration_minutes"] == 20
    other = nor_client.get(URL, {**QUERY, "services": "anmeldung"}).json()
    assert other["duration_minutes"] == 10  # another key, not the cached answer above
    assert len(other["starts"]) > len(data["starts"])


def test_listing_errors_are_not_cached(nor_client, office):
    assert nor_client.get("/api/v1/offices/nirgendwo/free-slots", QUERY).status_code == 404
    assert nor_client.get(URL, {**QUERY, "services": "unbekannt"}).status_code == 422
    with CaptureQueriesContext(connection) as queries:
        assert nor_client.get("/api/v1/offices/nirgendwo/free-slots", QUERY).status_code == 404
    assert len(queries) >= 1  # asked again, not served from a cache


def test_listing_is_per_town(nor_client, rei_client, office, rei_office):
    assert nor_client.get(URL, QUERY).status_code == 200
    # Same slug and query in the other town: its own office, not this town's cached answer.
    assert rei_client.get(URL, QUERY).status_code == 404


def test_after_a_hold_the_listing_may_be_stale_but_the_hold_refuses_the_taken_slot(
    nor_client, office
):
    before = nor_client.get(URL, QUERY).json()["starts"]
    assert hold_post(nor_client, at(TUESDAY, 8)).status_code == 201
    # A hold does not clear the cache: the listing may show the time for up to two seconds ...
    assert nor_client.get(URL, QUERY).json()["starts"] == before
    # ... but the hold step is the truth.
    refused = hold_post(nor_client, at(TUESDAY, 8))
    assert refused.status_code == 409
    assert refused.json()["code"] == "slot_unavailable"
    assert Slot.objects.get(office=office, start=at(TUESDAY, 8)).taken == 1
    assert Hold.objects.filter(office=office).count() == 1


def slot_updates(sql: list[str]) -> int:
    return sum("UPDATE APPOINTMENTS_SLOT SET TAKEN" in s for s in sql)


def test_hold_request_uses_one_transaction_and_few_statements(nor_client, office):
    # The first request loads the office's set-up: the office with its policy and its services.
    # Then, on every database: the spent solution, (for a hold of two slots the slots' locks in
    # start order,) the slot update, the hold, its slot links.
    for service, start, statements in (("anmeldung", 9, 6), ("personalausweis", 10, 5)):
        solution = solved(nor_client)
        with CaptureQueriesContext(connection) as queries:
            response = hold_post(nor_client, at(TUESDAY, start), service, solution=solution)
        assert response.status_code == 201
        sql = [q["sql"].upper() for q in queries.captured_queries]
        assert len([s for s in sql if "SAVEPOINT" not in s]) <= statements, sql
        assert len([s for s in sql if s.startswith("SAVEPOINT")]) <= 1  # the one transaction
        assert slot_updates(sql) == 1
        assert Slot.objects.get(office=office, start=at(TUESDAY, start)).taken == 1


def test_refused_hold_still_spends_the_solution(nor_client, office):
    Slot.objects.filter(office=office, start=at(TUESDAY, 9)).update(taken=1)
    solution = solved(nor_client)
    assert hold_post(nor_client, at(TUESDAY, 9), solution=solution).status_code == 409
    assert UsedChallenge.objects.count() == 1
    reused = hold_post(nor_client, at(TUESDAY, 10), solution=solution)
    assert reused.status_code == 403
    assert reused.json()["code"] == "challenge_reused"
    assert Slot.objects.get(office=office, start=at(TUESDAY, 10)).taken == 0


def test_forged_solution_is_refused_before_any_write(nor_client, office):
    challenge = nor_client.get("/api/v1/challenge").json()
    forged = pow_.challenge_solve({**challenge, "signature": "0" * 64})
    response = hold_post(nor_client, at(TUESDAY, 9), solution=forged)
    assert response.status_code == 403
    assert response.json()["code"] == "challenge_invalid"
    assert UsedChallenge.objects.count() == 0
    assert Slot.objects.get(office=office, start=at(TUESDAY, 9)).taken == 0


def test_multi_slot_hold_gives_back_what_it_took_when_a_later_slot_is_full(norderstedt, office):
    # Personalausweis twice = 40 minutes = four slots from 09:00; 09:30 is full.
    Slot.objects.filter(office=office, start=at(TUESDAY, 9, 30)).update(taken=1)
    with pytest.raises(AppointmentError) as refused:
        services.hold_create(
            municipality=norderstedt, office=office, services=[(AUSWEIS, 2)], start=at(TUESDAY, 9)
        )
    assert refused.value.code == ErrorCode.SLOT_UNAVAILABLE
    taken = dict(
        Slot.objects.filter(office=office, start__gte=at(TUESDAY, 9), start__lt=at(TUESDAY, 10))
        .order_by("start")
        .values_list("start", "taken")
    )
    assert list(taken.values()) == [0, 0, 0, 1, 0, 0]
    hold = services.hold_create(
        municipality=norderstedt, office=office, services=[(AUSWEIS, 2)], start=at(TUESDAY, 10)
    )
    assert hold.slots.count() == 4
    assert set(hold.slots.values_list("taken", flat=True)) == {1}


def office_setup_key(office):
    return ("office-hold", office.municipality_id, office.slug)


def test_warm_hold_request_reads_no_office_policy_or_service_rows(nor_client, office):
    # Anmeldung: one slot. The first request loads the office set-up.
    assert hold_post(nor_client, at(TUESDAY, 8), "anmeldung").status_code == 201
    Slot.objects.filter(office=office, start=at(TUESDAY, 9)).update(taken=1)
    for start, status, writes in ((10, 201, 4), (9, 409, 2)):
        solution = solved(nor_client)
        with CaptureQueriesContext(connection) as queries:
            response = hold_post(nor_client, at(TUESDAY, start), "anmeldung", solution=solution)
        assert response.status_code == status
        sql = [q["sql"].upper() for q in queries.captured_queries]
        assert not [s for s in sql if s.startswith("SELECT")], sql
        # Spent solution, slot update (, hold, slot link): nothing else.
        assert len([s for s in sql if not s.startswith(("SAVEPOINT", "RELEASE"))]) <= writes, sql
        assert slot_updates(sql) == 1
    # The refused request spent its solution all the same, and took nothing.
    assert UsedChallenge.objects.count() == 3
    assert Slot.objects.get(office=office, start=at(TUESDAY, 9)).taken == 1
    assert Hold.objects.filter(office=office).count() == 2


def test_office_setup_cache_is_per_town(nor_client, rei_client, office, reinbek):
    rei_office = office_make(reinbek, slug="rathaus")
    assert hold_post(nor_client, at(TUESDAY, 8)).status_code == 201
    # Same office slug in the other town: its own office, not Norderstedt's cached one.
    created = hold_post(rei_client, at(TUESDAY, 8))
    assert created.status_code == 201
    hold = Hold.objects.get(token=created.json()["token"])
    assert hold.office_id == rei_office.pk
    assert hold.municipality_id == rei_office.municipality_id
    assert Slot.objects.get(office=rei_office, start=at(TUESDAY, 8)).taken == 1
    assert Slot.objects.get(office=office, start=at(TUESDAY, 8)).taken == 1


def test_office_setup_changes_take_effect_within_two_seconds(
    nor_client, office, monkeypatch, clock
):
    store = ProcessCache(seconds=selectors.FREE_STARTS_CACHE_SECONDS, timer=clock)
    monkeypatch.setattr(selectors, "_SHORT_CACHE", store)
    assert hold_post(nor_client, at(TUESDAY, 8)).status_code == 201
    assert store.get(office_setup_key(office)) is not None
    office.services.filter(service_slug=AUSWEIS).update(is_active=False)
    # Within the two seconds the cached set-up may still offer the service ...
    clock.now += 1.9
    assert hold_post(nor_client, at(TUESDAY, 9)).status_code == 201
    clock.now += 0.1
    refused = hold_post(nor_client, at(TUESDAY, 10))
    assert refused.status_code == 422
    assert refused.json()["code"] == "service_not_offered"
    assert Slot.objects.get(office=office, start=at(TUESDAY, 10)).taken == 0
    # A closed office is a 404 once the cached set-up has expired.
    type(office).objects.filter(pk=office.pk).update(is_active=False)
    store.delete(office_setup_key(office))
    assert hold_post(nor_client, at(TUESDAY, 11), service="anmeldung").status_code == 404


def test_unknown_office_is_not_cached(nor_client, office):
    body = {
        "office": "nirgendwo",
        "services": [{"service": "anmeldung", "count": 1}],
        "start": at(TUESDAY, 9).isoformat(),
        "challenge": solved(nor_client),
    }
    assert (
        nor_client.post("/api/v1/holds", body, content_type="application/json").status_code == 404
    )
    assert selectors.short_cache().get(("office-hold", office.municipality_id, "nirgendwo")) is None
    # A 404 spends nothing: the solution still works for a real office.
    body["office"] = "rathaus"
    assert (
        nor_client.post("/api/v1/holds", body, content_type="application/json").status_code == 201
    )


def test_hold_reads_back_as_written(nor_client, office):
    response = hold_post(nor_client, at(TUESDAY, 10), "personalausweis")
    assert response.status_code == 201
    hold = Hold.objects.get(token=response.json()["token"])
    assert hold.municipality_id == office.municipality_id
    assert hold.office_id == office.pk
    assert (hold.start, hold.end) == (at(TUESDAY, 10), at(TUESDAY, 10, 20))
    assert hold.services == [["personalausweis", 1]]
    assert hold.state == "active"
    assert hold.units == 1
    assert hold.expires_at > NOW
    assert hold.created_at is not None
    assert sorted(hold.slots.values_list("start", flat=True)) == [
        at(TUESDAY, 10),
        at(TUESDAY, 10, 10),
    ]
