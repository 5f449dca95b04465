"""Check-in, wait tickets, calling order, counter actions and the call display."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.http import Http404

from rathaus.appointments import queue, services
from rathaus.appointments.constants import ErrorCode, TicketStatus
from rathaus.appointments.models import Counter, WaitTicket
from rathaus.appointments.services import AppointmentError
from tests.accounts.factories import staff_create

from .conftest import ANMELDUNG, NOW, TUESDAY, at, office_make

pytestmark = pytest.mark.django_db


def booked(office, start, email):
    hold = services.hold_create(
        municipality=office.municipality,
        office=office,
        services=[(ANMELDUNG, 1)],
        start=start,
        now=NOW,
    )
    booking = services.booking_confirm(
        municipality=office.municipality, hold_token=hold.token, name="E", email=email, now=NOW
    )
    return services.booking_finalise(
        municipality=office.municipality, token=services.confirm_token_make(booking), now=NOW
    )


@pytest.fixture
def office2(norderstedt):
    return office_make(norderstedt, slug="amt", counters=2)


@pytest.fixture
def clerk(norderstedt):
    return staff_create(municipality=norderstedt)


def counters(office):
    return list(Counter.objects.filter(office=office).order_by("name"))


def test_check_in_gives_one_ticket_per_booking_on_its_day(office2, norderstedt):
    booking = booked(office2, at(TUESDAY, 9), "a@example.org")
    with pytest.raises(AppointmentError) as too_early:
        queue.ticket_check_in(
            municipality=norderstedt, office_slug="amt", code=booking.code, now=at(TUESDAY, 7, 30)
        )
    assert too_early.value.code == ErrorCode.CHECK_IN_REFUSED
    ticket = queue.ticket_check_in(
        municipality=norderstedt,
        office_slug="amt",
        code=booking.code.lower(),
        now=at(TUESDAY, 8, 45),
    )
    assert ticket.number == "T001"
    again = queue.ticket_check_in(
        municipality=norderstedt, office_slug="amt", code=booking.code, now=at(TUESDAY, 8, 50)
    )
    assert again.pk == ticket.pk
    assert WaitTicket.objects.count() == 1
    with pytest.raises(AppointmentError):
        queue.ticket_check_in(
            municipality=norderstedt, office_slug="amt", code="NOPE1234", now=at(TUESDAY, 8, 45)
        )


def test_walk_in_numbers_count_per_office_and_day(office2, office, norderstedt):
    numbers = [
        queue.ticket_walk_in(municipality=norderstedt, office_slug="amt", now=at(TUESDAY, 8)).number
        for _ in range(3)
    ]
    assert numbers == ["W001", "W002", "W003"]
    other_office = queue.ticket_walk_in(
        municipality=norderstedt, office_slug=office.slug, now=at(TUESDAY, 8)
    )
    next_day = queue.ticket_walk_in(
        municipality=norderstedt, office_slug="amt", now=at(TUESDAY + dt.timedelta(days=1), 8)
    )
    assert other_office.number == "W001" and next_day.number == "W001"


def test_appointments_at_their_time_walk_ins_in_between(office2, norderstedt, clerk):
    nine = booked(office2, at(TUESDAY, 9), "a@example.org")
    queue.ticket_check_in(
        municipality=norderstedt, office_slug="amt", code=nine.code, now=at(TUESDAY, 8, 40)
    )
    first_walk_in = queue.ticket_walk_in(
        municipality=norderstedt, office_slug="amt", now=at(TUESDAY, 8, 41)
    )
    queue.ticket_walk_in(municipality=norderstedt, office_slug="amt", now=at(TUESDAY, 8, 42))
    desk = counters(office2)[0]

    def call(when):
        return queue.ticket_call_next(
            actor=clerk, municipality=norderstedt, office_slug="amt", counter_id=desk.pk, now=when
        ).number

    assert call(at(TUESDAY, 8, 45)) == first_walk_in.number  # the appointment is not due yet
    assert call(at(TUESDAY, 8, 56)) == "T001"  # due from five minutes before its start
    assert call(at(TUESDAY, 9, 10)) == "W002"
    with pytest.raises(AppointmentError) as empty:
        call(at(TUESDAY, 9, 20))
    assert empty.value.code == ErrorCode.QUEUE_EMPTY


def test_counter_actions_follow_the_transition_table(office2, norderstedt, clerk):
    desk, other = counters(office2)
    queue.ticket_walk_in(municipality=norderstedt, office_slug="amt", now=at(TUESDAY, 8))
    kwargs = {"actor": clerk, "municipality": norderstedt}
    ticket = queue.ticket_call_next(
        office_slug="amt", counter_id=desk.pk, now=at(TUESDAY, 8, 1), **kwargs
    )
    again = queue.ticket_act(
        ticket_id=ticket.pk, action="call_again", now=at(TUESDAY, 8, 2), **kwargs
    )
    assert again.call_count == 2
    moved = queue.ticket_act(
        ticket_id=ticket.pk, action="transfer", to_counter_id=other.pk, **kwargs
    )
    assert moved.status == TicketStatus.WAITING
    # A transferred ticket is called only by the counter it was sent to.
    with pytest.raises(AppointmentError):
        queue.ticket_call_next(
            office_slug="amt", counter_id=desk.pk, now=at(TUESDAY, 8, 3), **kwargs
        )
    called = queue.ticket_call_next(
        office_slug="amt", counter_id=other.pk, now=at(TUESDAY, 8, 3), **kwargs
    )
    assert called.pk == ticket.pk and called.counter == other
    queue.ticket_act(ticket_id=ticket.pk, action="park", **kwargs)
    with pytest.raises(AppointmentError):
        queue.ticket_act(ticket_id=ticket.pk, action="finish", **kwargs)
    queue.ticket_act(ticket_id=ticket.pk, action="resume", **kwargs)
    queue.ticket_call_next(office_slug="amt", counter_id=desk.pk, now=at(TUESDAY, 8, 5), **kwargs)
    done = queue.ticket_act(ticket_id=ticket.pk, action="finish", now=at(TUESDAY, 8, 15), **kwargs)
    assert done.status == TicketStatus.DONE
    for action in ("call_again", "no_show", "park", "finish", "bogus"):
        with pytest.raises(AppointmentError):
            queue.ticket_act(ticket_id=ticket.pk, action=action, **kwargs)


def test_call_display_shows_numbers_and_counters_only(office2, norderstedt, clerk):
    desk = counters(office2)[0]
    queue.ticket_walk_in(municipality=norderstedt, office_slug="amt", now=at(TUESDAY, 8))
    queue.ticket_call_next(
        actor=clerk,
        municipality=norderstedt,
        office_slug="amt",
        counter_id=desk.pk,
        now=at(TUESDAY, 8, 1),
    )
    shown = queue.call_display(municipality=norderstedt, office_slug="amt", now=at(TUESDAY, 8, 2))
    assert [(row["number"], row["counter"]) for row in shown] == [("W001", "Schalter 1")]
    estimate = queue.waiting_estimate(
        municipality=norderstedt, office_slug="amt", now=at(TUESDAY, 8, 2)
    )
    assert estimate == {"waiting": 0, "minutes": 0}


def test_a_clerk_of_the_other_town_sees_nothing_of_this_queue(office2, norderstedt, reinbek, clerk):
    rei_office = office_make(reinbek, slug="amt")
    rei_clerk = staff_create(municipality=reinbek)
    ticket = queue.ticket_walk_in(municipality=norderstedt, office_slug="amt", now=at(TUESDAY, 8))
    desk = counters(office2)[0]
    assert list(
        queue.queue_for_office(
            actor=clerk, municipality=norderstedt, office_slug="amt", now=at(TUESDAY, 8)
        )
    ) == [ticket]
    with pytest.raises(Http404):
        queue.queue_for_office(actor=rei_clerk, municipality=norderstedt, office_slug="amt")
    assert (
        list(
            queue.queue_for_office(
                actor=rei_clerk, municipality=reinbek, office_slug="amt", now=at(TUESDAY, 8)
            )
        )
        == []
    )
    with pytest.raises(Http404):
        queue.ticket_call_next(
            actor=rei_clerk, municipality=norderstedt, office_slug="amt", counter_id=desk.pk
        )
    with pytest.raises(Http404):  # a Norderstedt counter in a Reinbek request
        queue.ticket_call_next(
            actor=rei_clerk, municipality=reinbek, office_slug="amt", counter_id=desk.pk
        )
    with pytest.raises(Http404):
        queue.ticket_act(
            actor=rei_clerk, municipality=reinbek, ticket_id=ticket.pk, action="finish"
        )
    assert queue.call_display(municipality=reinbek, office_slug=rei_office.slug) == []
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING


@pytest.mark.django_db(transaction=True)
def test_two_clerks_calling_at_once_never_get_the_same_ticket(norderstedt):
    office = office_make(norderstedt, slug="amt", counters=10)
    clerks = [staff_create(municipality=norderstedt) for _ in range(10)]
    desks = counters(office)
    for minute in range(6):
        queue.ticket_walk_in(
            municipality=norderstedt, office_slug="amt", now=at(TUESDAY, 8, minute)
        )
    results = [None] * 10
    barrier = threading.Barrier(10)

    def work(i):
        try:
            barrier.wait()
            try:
                results[i] = queue.ticket_call_next(
                    actor=clerks[i],
                    municipality=norderstedt,
                    office_slug="amt",
                    counter_id=desks[i].pk,
                    now=at(TUESDAY, 8, 30),
                ).pk
            except AppointmentError as error:
                results[i] = error.code.value
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    called = [r for r in results if isinstance(r, int)]
    assert len(called) == len(set(called)) == 6
    assert results.count("queue_empty") == 4


def test_statistics_per_office_and_day(office2, norderstedt, reinbek, clerk, monkeypatch):
    from django.utils import timezone

    came = booked(office2, at(TUESDAY, 9), "a@example.org")
    booked(office2, at(TUESDAY, 10), "b@example.org")  # never checks in: a no-show
    kwargs = {"actor": clerk, "municipality": norderstedt}
    desk = counters(office2)[0]
    queue.ticket_check_in(
        municipality=norderstedt, office_slug="amt", code=came.code, now=at(TUESDAY, 8, 50)
    )
    walk_in = queue.ticket_walk_in(
        municipality=norderstedt, office_slug="amt", now=at(TUESDAY, 9, 2)
    )
    first = queue.ticket_call_next(
        office_slug="amt", counter_id=desk.pk, now=at(TUESDAY, 9, 4), **kwargs
    )
    queue.ticket_act(ticket_id=first.pk, action="finish", now=at(TUESDAY, 9, 14), **kwargs)
    second = queue.ticket_call_next(
        office_slug="amt", counter_id=desk.pk, now=at(TUESDAY, 9, 20), **kwargs
    )
    assert second.pk == walk_in.pk
    queue.ticket_act(ticket_id=second.pk, action="no_show", now=at(TUESDAY, 9, 22), **kwargs)

    monkeypatch.setattr(timezone, "now", lambda: at(TUESDAY, 18))
    stats = queue.office_day_statistics(office_slug="amt", day=TUESDAY, **kwargs)
    assert stats == {
        "bookings": 2,
        "cancelled": 0,
        "checked_in": 1,
        "walk_ins": 1,
        "no_shows": 2,
        "served": 1,
        "mean_wait_minutes": 11.0,  # (4 min after the 9:00 start + 18 min for the walk-in) / 2
        "mean_service_minutes": 10.0,
    }
    rei_clerk = staff_create(municipality=reinbek)
    with pytest.raises(Http404):
        queue.office_day_statistics(
            actor=rei_clerk, municipality=norderstedt, office_slug="amt", day=TUESDAY
        )
