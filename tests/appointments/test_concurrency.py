"""Races on PostgreSQL and on SQLite: every thread has its own database connection. On SQLite
the backend's busy timeout and IMMEDIATE transactions (rathaus.core.db.sqlite3) queue the writers,
so each race ends with the same clean answers as on PostgreSQL, never "database is locked".

PostgreSQL's default ``max_connections`` (100) is shared with other test runs on the machine, so
the 200 hold attempts come from 50 threads with 4 attempts each, all released at one barrier.
"""

import datetime as dt
import threading
from collections import Counter as Tally

import pytest
from django.db import connection
from django.utils import timezone

from rathaus.appointments import challenge as pow_
from rathaus.appointments import services
from rathaus.appointments.constants import BookingStatus
from rathaus.appointments.models import Booking, Hold, Slot, UsedChallenge
from rathaus.appointments.services import AppointmentError

from .conftest import ANMELDUNG, AUSWEIS, NOW, TUESDAY, at, office_make

pytestmark = [pytest.mark.django_db(transaction=True)]

THREADS = 50


def race(jobs, *, threads=THREADS):
    """Run callables in ``threads`` threads started together; return outcomes in job order."""
    results = [None] * len(jobs)
    barrier = threading.Barrier(threads)

    def worker(index):
        try:
            barrier.wait()
            for position in range(index, len(jobs), threads):
                try:
                    jobs[position]()
                    results[position] = "ok"
                except AppointmentError as error:
                    results[position] = error.code.value
                except Exception as error:  # an unclean refusal is a failure of the test
                    results[position] = f"crash: {type(error).__name__}: {error}"
        finally:
            connection.close()

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=120)
    return results


def test_200_concurrent_holds_for_20_slots_give_exactly_20(norderstedt):
    office = office_make(norderstedt)
    starts = [s.start for s in Slot.objects.filter(office=office).order_by("start")[:20]]

    def attempt(start):
        return lambda: services.hold_create(
            municipality=norderstedt,
            office=office,
            services=[(ANMELDUNG, 1)],
            start=start,
            now=NOW,
        )

    outcomes = race([attempt(starts[i % 20]) for i in range(200)])
    assert Tally(outcomes) == {"ok": 20, "slot_unavailable": 180}
    assert Hold.objects.count() == 20
    assert sorted(Hold.objects.values_list("start", flat=True)) == sorted(starts)
    assert list(Slot.objects.filter(start__in=starts).values_list("taken", flat=True)) == [1] * 20


def test_overlapping_multi_slot_holds_never_oversell(norderstedt):
    office = office_make(norderstedt, counters=2)
    starts = [at(TUESDAY, 8) + dt.timedelta(minutes=10 * i) for i in range(20)]

    def attempt(start):
        return lambda: services.hold_create(
            municipality=norderstedt,
            office=office,
            services=[(AUSWEIS, 1), (ANMELDUNG, 1)],  # 30 minutes = 3 slots
            start=start,
            now=NOW,
        )

    outcomes = race([attempt(starts[i % 20]) for i in range(200)])
    assert set(outcomes) <= {"ok", "slot_unavailable"}
    slots = {s.pk: s for s in Slot.objects.filter(office=office)}
    assert all(0 <= s.taken <= s.capacity for s in slots.values())
    held_units = Tally()
    for hold in Hold.objects.prefetch_related("slots"):
        assert hold.slots.count() == 3
        for slot in hold.slots.all():
            held_units[slot.pk] += hold.units
    assert {pk: s.taken for pk, s in slots.items() if s.taken} == dict(held_units)
    assert outcomes.count("ok") == Hold.objects.count()
    # How many holds fit depends on the order they arrive in; what must hold is that no
    # attempt was refused while there was room: ``taken`` only grows here, so every start
    # that was refused (each start was tried ten times) has a full slot among its three.
    by_start = {s.start: s for s in slots.values()}
    for start in starts:
        needed = [by_start[start + dt.timedelta(minutes=10 * k)] for k in range(3)]
        assert any(s.taken == s.capacity for s in needed), start


def test_per_email_limit_holds_under_concurrency(norderstedt):
    office = office_make(norderstedt)
    holds = [
        services.hold_create(
            municipality=norderstedt,
            office=office,
            services=[(ANMELDUNG, 1)],
            start=at(TUESDAY, 8) + dt.timedelta(minutes=10 * i),
            now=NOW,
        )
        for i in range(20)
    ]

    def attempt(hold):
        return lambda: services.booking_confirm(
            municipality=norderstedt,
            hold_token=hold.token,
            name="Bot",
            email=f"{'hoarder'}@example.org",
            now=NOW,
        )

    outcomes = race([attempt(h) for h in holds], threads=20)
    assert Tally(outcomes) == {"ok": 2, "email_limit_reached": 18}
    assert Booking.objects.filter(status=BookingStatus.HELD).count() == 2


def test_expiry_and_confirmation_race_has_one_winner(norderstedt):
    office = office_make(norderstedt)
    bookings = []
    for i in range(20):
        hold = services.hold_create(
            municipality=norderstedt,
            office=office,
            services=[(ANMELDUNG, 1)],
            start=at(TUESDAY, 8) + dt.timedelta(minutes=10 * i),
            now=NOW,
        )
        bookings.append(
            services.booking_confirm(
                municipality=norderstedt,
                hold_token=hold.token,
                name="Erika",
                email=f"person{i}@example.org",
                now=NOW,
            )
        )
    just_before = NOW + dt.timedelta(minutes=9, seconds=59)
    expiry_time = NOW + dt.timedelta(minutes=10)
    jobs = []
    for booking in bookings:
        token = services.confirm_token_make(booking)
        jobs.append(
            lambda t=token: services.booking_finalise(
                municipality=norderstedt, token=t, now=just_before
            )
        )
        jobs.append(lambda h=booking.hold: services.hold_expire(hold=h, now=expiry_time))
    outcomes = race(jobs, threads=40)
    assert not [o for o in outcomes if o.startswith("crash")]
    for booking in bookings:
        booking.refresh_from_db()
        slot = Slot.objects.get(office=office, start=booking.start)
        assert booking.status in (BookingStatus.CONFIRMED, BookingStatus.EXPIRED)
        assert slot.taken == (1 if booking.status == BookingStatus.CONFIRMED else 0)


def test_200_concurrent_holds_with_solutions_give_exactly_20_and_spend_each_once(
    norderstedt, settings, monkeypatch
):
    """The API's path: on PostgreSQL one statement spends the solution and takes the slot."""
    settings.RATHAUS_POW_MAX_NUMBER = 50
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    office = office_make(norderstedt)
    starts = [s.start for s in Slot.objects.filter(office=office).order_by("start")[:20]]
    solutions = [
        pow_.challenge_solve(
            pow_.challenge_create(municipality=norderstedt, client_address=f"10.0.0.{i}", now=NOW)
        )
        for i in range(200)
    ]

    def attempt(index, solution):
        return lambda: pow_.hold_create_with_challenge(
            municipality=norderstedt,
            office=office,
            services=[(ANMELDUNG, 1)],
            start=starts[index % 20],
            payload=solution,
        )

    # Each solution twice: the second use of each must be refused, whichever comes first.
    jobs = [attempt(i, s) for i, s in enumerate(solutions)]
    jobs += [attempt(i + 1, s) for i, s in enumerate(solutions)]
    outcomes = race(jobs)
    tally = Tally(outcomes)
    assert tally["ok"] == 20
    assert tally["challenge_reused"] == 200
    assert tally["ok"] + tally["slot_unavailable"] + tally["challenge_reused"] == 400
    assert Hold.objects.count() == 20
    assert sorted(Hold.objects.values_list("start", flat=True)) == sorted(starts)
    assert list(Slot.objects.filter(start__in=starts).values_list("taken", flat=True)) == [1] * 20
    assert all(hold.slots.count() == 1 for hold in Hold.objects.prefetch_related("slots"))
    assert UsedChallenge.objects.count() == 200
