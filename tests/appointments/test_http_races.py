"""Races over real HTTP: parallel requests reach the live server's threads, each with a database
connection of its own, as a threaded production server would. On SQLite as on PostgreSQL every
request gets a clean answer (never a 500 for "database is locked") and the result is exact."""

import datetime as dt
import json
import threading
import urllib.error
import urllib.request
from collections import Counter

import pytest
from django.utils import timezone

from rathaus.appointments import services
from rathaus.appointments.models import Booking

from .conftest import ANMELDUNG, NOW, TUESDAY, at, office_make

pytestmark = pytest.mark.django_db(transaction=True)

HOLDS = 4
REPLAYS = 5


def _post(url: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Host": "norderstedt.localhost", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_parallel_booking_confirmations_over_http_book_each_hold_once(
    live_server, norderstedt, monkeypatch
):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    office = office_make(norderstedt)
    tokens = [
        services.hold_create(
            municipality=norderstedt,
            office=office,
            services=[(ANMELDUNG, 1)],
            start=at(TUESDAY, 8) + dt.timedelta(minutes=10 * number),
            now=NOW,
        ).token
        for number in range(HOLDS)
    ]
    jobs = [(number, token) for number, token in enumerate(tokens) for _ in range(REPLAYS)]
    answers: list[tuple[int, int, dict]] = []
    barrier = threading.Barrier(len(jobs))

    def confirm(number: int, token: str) -> None:
        barrier.wait()
        status, body = _post(
            live_server.url + "/api/v1/bookings",
            {"hold_token": token, "name": "Erika Muster", "email": f"person{number}@example.org"},
        )
        answers.append((number, status, body))

    threads = [threading.Thread(target=confirm, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(answers) == len(jobs)
    assert not [answer for answer in answers if answer[1] >= 500], answers
    accepted = Counter(number for number, status, _ in answers if status == 202)
    assert accepted == Counter(range(HOLDS)), answers
    refusals = {(status, body.get("code")) for _, status, body in answers if status != 202}
    assert refusals == {(409, "hold_already_used")}
    assert Booking.objects.filter(office=office).count() == HOLDS
