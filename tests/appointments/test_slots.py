"""Slot computation (pure functions, no database)."""

import datetime as dt
from zoneinfo import ZoneInfo

from rathaus.appointments.slots import (
    Absence,
    CalendarRules,
    Closure,
    appointment_duration,
    booking_window,
    compute_slots,
    consecutive_starts,
    local_datetime,
    slots_needed,
    within_window,
)

TZ = ZoneInfo("Europe/Berlin")
T = dt.time
MORNING_AND_AFTERNOON = ((T(8, 0), T(12, 0)), (T(13, 0), T(15, 0)))
WEEKDAYS = {d: MORNING_AND_AFTERNOON for d in range(5)}


def rules(**kwargs):
    base = {"opening": WEEKDAYS, "counters": 3, "slot_minutes": 10, "state": "SH"}
    base.update(kwargs)
    return CalendarRules(**base)


def local(day, hour, minute=0):
    return dt.datetime.combine(day, T(hour, minute), tzinfo=TZ)


TUESDAY = dt.date(2026, 6, 9)


def test_a_plain_day_has_slots_in_each_interval_and_none_in_the_break():
    slots = compute_slots(rules(), TUESDAY, TUESDAY)
    starts = [s.start for s in slots]
    assert len(slots) == 24 + 12
    assert starts[0] == local(TUESDAY, 8)
    assert starts[23] == local(TUESDAY, 11, 50)
    assert starts[24] == local(TUESDAY, 13)
    assert starts[-1] == local(TUESDAY, 14, 50)
    assert not [s for s in starts if T(12) <= s.timetz().replace(tzinfo=None) < T(13)]
    assert {s.capacity for s in slots} == {3}
    assert all(s.start.tzinfo is not None for s in slots)


def test_five_minute_slots_double_the_count():
    assert len(compute_slots(rules(slot_minutes=5), TUESDAY, TUESDAY)) == 72


def test_an_interval_that_does_not_fit_a_whole_slot_drops_the_remainder():
    odd = rules(opening={1: ((T(8, 0), T(8, 25)),)})
    assert [s.start for s in compute_slots(odd, TUESDAY, TUESDAY)] == [
        local(TUESDAY, 8),
        local(TUESDAY, 8, 10),
    ]


def test_weekend_without_opening_hours_has_no_slots():
    saturday = dt.date(2026, 6, 13)
    assert compute_slots(rules(), saturday, saturday + dt.timedelta(days=1)) == []


def test_public_holidays_of_the_state_are_closed():
    whit_monday = dt.date(2026, 5, 25)
    assert compute_slots(rules(), whit_monday, whit_monday) == []
    # Corpus Christi is a public holiday in Bavaria but not in Schleswig-Holstein.
    corpus_christi = dt.date(2026, 6, 4)
    assert compute_slots(rules(state="BY"), corpus_christi, corpus_christi) == []
    assert len(compute_slots(rules(state="SH"), corpus_christi, corpus_christi)) == 36


def test_a_whole_day_closure_and_a_partial_closure():
    closures = (Closure(TUESDAY), Closure(TUESDAY + dt.timedelta(days=1), T(9, 0), T(10, 30)))
    slots = compute_slots(rules(closures=closures), TUESDAY, TUESDAY + dt.timedelta(days=1))
    wednesday = TUESDAY + dt.timedelta(days=1)
    starts = [s.start for s in slots]
    assert all(s.date() == wednesday for s in starts)
    assert local(wednesday, 8, 50) in starts
    assert local(wednesday, 9, 0) not in starts
    assert local(wednesday, 10, 20) not in starts
    assert local(wednesday, 10, 30) in starts
    assert len(starts) == 36 - 9


def test_absences_reduce_capacity_only_while_they_last():
    absences = (
        Absence(local(TUESDAY, 9), local(TUESDAY, 10), counters=1),
        Absence(local(TUESDAY, 9, 30), local(TUESDAY, 11), counters=2),
    )
    by_start = {
        s.start: s.capacity for s in compute_slots(rules(absences=absences), TUESDAY, TUESDAY)
    }
    assert by_start[local(TUESDAY, 8, 50)] == 3
    assert by_start[local(TUESDAY, 9, 0)] == 2
    # 09:30–10:00 both absences overlap: 3 − 1 − 2 = 0, so no slot at all.
    assert local(TUESDAY, 9, 30) not in by_start
    assert local(TUESDAY, 9, 50) not in by_start
    assert by_start[local(TUESDAY, 10, 0)] == 1
    assert by_start[local(TUESDAY, 11, 0)] == 3


def test_daylight_saving_start_keeps_local_wall_clock_times():
    # 2026-03-29 is the last Sunday of March; open on the days around it, including Sunday.
    opening = {d: ((T(8, 0), T(9, 0)),) for d in range(7)}
    saturday, monday = dt.date(2026, 3, 28), dt.date(2026, 3, 30)
    slots = compute_slots(rules(opening=opening), saturday, monday)
    firsts = {
        s.start.date(): s.start for s in slots if s.start.timetz().hour == 8 and not s.start.minute
    }
    assert [firsts[d].astimezone(dt.UTC).hour for d in sorted(firsts)] == [7, 6, 6]
    assert all(s.start.astimezone(TZ).time() >= T(8) for s in slots)
    assert len(slots) == 18


def test_daylight_saving_end_keeps_local_wall_clock_times():
    opening = {d: ((T(8, 0), T(9, 0)),) for d in range(7)}
    saturday, monday = dt.date(2026, 10, 24), dt.date(2026, 10, 26)
    slots = compute_slots(rules(opening=opening, state=None), saturday, monday)
    eight = [s.start for s in slots if s.start.astimezone(TZ).time() == T(8)]
    assert [s.astimezone(dt.UTC).hour for s in eight] == [6, 7, 7]
    assert len(slots) == 18


def test_night_opening_skips_the_missing_hour_and_the_repeated_hour_once():
    night = {6: ((T(1, 0), T(4, 0)),)}
    spring = dt.date(2026, 3, 29)
    starts = [s.start for s in compute_slots(rules(opening=night, slot_minutes=30), spring, spring)]
    assert [s.strftime("%H:%M") for s in starts] == ["01:00", "01:30", "03:00", "03:30"]
    # 01:30 CET and 03:00 CEST are 30 real minutes apart: an hour-long appointment fits.
    assert consecutive_starts([(s, 1) for s in starts], slot_minutes=30, needed=2) == starts[:3]
    autumn = dt.date(2026, 10, 25)
    starts = [s.start for s in compute_slots(rules(opening=night, slot_minutes=30), autumn, autumn)]
    assert [s.strftime("%H:%M") for s in starts] == [
        "01:00",
        "01:30",
        "02:00",
        "02:30",
        "03:00",
        "03:30",
    ]
    assert local_datetime(spring, T(2, 30)) is None
    assert local_datetime(autumn, T(2, 30)).utcoffset() == dt.timedelta(hours=2)


def test_multi_service_duration_needs_consecutive_slots_that_do_not_cross_the_break():
    duration = appointment_duration([(20, 2), (10, 1)])  # two ID cards and one Anmeldung
    assert duration == 50
    needed = slots_needed(duration, 10)
    assert needed == 5
    slots = compute_slots(rules(), TUESDAY, TUESDAY)
    starts = consecutive_starts(
        [(s.start, s.capacity) for s in slots], slot_minutes=10, needed=needed
    )
    assert starts[0] == local(TUESDAY, 8)
    assert local(TUESDAY, 11, 10) in starts
    assert local(TUESDAY, 11, 20) not in starts  # would run into the lunch break
    assert local(TUESDAY, 14, 10) in starts
    assert local(TUESDAY, 14, 20) not in starts  # would run past closing time
    assert len(starts) == (24 - 4) + (12 - 4)


def test_consecutive_starts_respect_free_units_per_slot():
    base = local(TUESDAY, 8)
    free = [(base + dt.timedelta(minutes=10 * i), f) for i, f in enumerate([1, 1, 0, 1, 1, 2])]
    step = dt.timedelta(minutes=10)
    assert consecutive_starts(free, slot_minutes=10, needed=2) == [
        base,
        base + 3 * step,
        base + 4 * step,
    ]
    assert consecutive_starts(free, slot_minutes=10, needed=2, units=2) == []
    assert consecutive_starts(free, slot_minutes=10, needed=1, units=2) == [base + 5 * step]


def test_slots_needed_rounds_up():
    assert slots_needed(5, 10) == 1
    assert slots_needed(10, 10) == 1
    assert slots_needed(11, 10) == 2
    assert slots_needed(25, 5) == 5


def test_booking_window_releases_the_last_day_at_the_release_time():
    params = {
        "min_days_ahead": 1,
        "max_weeks_ahead": 2,
        "min_notice_minutes": 120,
        "daily_release_time": T(7, 0),
    }
    before = booking_window(now=local(TUESDAY, 6, 59), **params)
    after = booking_window(now=local(TUESDAY, 7, 0), **params)
    assert before.last_day == TUESDAY + dt.timedelta(days=13)
    assert after.last_day == TUESDAY + dt.timedelta(days=14)
    assert before.earliest == local(TUESDAY + dt.timedelta(days=1), 0)
    assert within_window(local(TUESDAY + dt.timedelta(days=14), 8), after)
    assert not within_window(local(TUESDAY + dt.timedelta(days=14), 8), before)
    assert not within_window(local(TUESDAY, 15), after)


def test_minimum_notice_applies_when_same_day_booking_is_allowed():
    window = booking_window(
        now=local(TUESDAY, 9, 5),
        min_days_ahead=0,
        max_weeks_ahead=1,
        min_notice_minutes=60,
        daily_release_time=T(0, 0),
    )
    assert window.earliest == local(TUESDAY, 10, 5)
    assert not within_window(local(TUESDAY, 10), window)
    assert within_window(local(TUESDAY, 10, 10), window)
