"""Slot computation: pure functions, no database.

All calendar rules are in local wall-clock time (Europe/Berlin): an office that opens at 08:00
opens at 08:00 in winter and in summer. Times are turned into aware datetimes one date at a time,
so the daylight-saving changes shift the UTC offset, never the local time. A local time that does
not exist (the skipped hour in March) yields no slot; a local time that exists twice (the repeated
hour in October) yields one slot, at its first occurrence.

Consecutiveness is judged in absolute time: two slots are consecutive when the second starts
exactly ``slot_minutes`` after the first, so breaks, closures and gaps always split an appointment.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from .constants import BERLIN

TZ = ZoneInfo(BERLIN)
UTC = dt.UTC


@dataclass(frozen=True)
class Closure:
    """A closed date; without times the whole day, otherwise [starts, ends) local time."""

    date: dt.date
    starts: dt.time | None = None
    ends: dt.time | None = None


@dataclass(frozen=True)
class Absence:
    """``counters`` fewer counters staffed in [starts_at, ends_at) (aware datetimes)."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    counters: int = 1


@dataclass(frozen=True)
class CalendarRules:
    """Everything needed to compute an office's slots."""

    opening: dict[int, Sequence[tuple[dt.time, dt.time]]]  # weekday (0 = Monday) → intervals
    counters: int
    slot_minutes: int
    state: str | None = None  # ISO 3166-2 subdivision for public holidays, e.g. "SH"
    closures: Sequence[Closure] = field(default_factory=tuple)
    absences: Sequence[Absence] = field(default_factory=tuple)


@dataclass(frozen=True)
class SlotSpec:
    start: dt.datetime  # aware, Europe/Berlin
    end: dt.datetime
    capacity: int


@lru_cache(maxsize=64)
def public_holidays(state: str, year: int) -> frozenset[dt.date]:
    return frozenset(holidays.Germany(subdiv=state, years=year).keys())


def is_public_holiday(day: dt.date, state: str | None) -> bool:
    return bool(state) and day in public_holidays(state, day.year)


def local_datetime(day: dt.date, time: dt.time) -> dt.datetime | None:
    """The aware datetime of a local wall-clock time, or None if that time does not exist."""
    candidate = dt.datetime.combine(day, time, tzinfo=TZ)  # fold=0: first of a repeated hour
    round_trip = candidate.astimezone(UTC).astimezone(TZ)
    if round_trip.replace(tzinfo=None) != candidate.replace(tzinfo=None):
        return None
    return candidate


def _minutes(time: dt.time) -> int:
    return time.hour * 60 + time.minute


def _time_of(minutes: int) -> dt.time:
    return dt.time(minutes // 60, minutes % 60)


def _closed_ranges(day: dt.date, closures: Iterable[Closure]) -> list[tuple[int, int]] | None:
    """Closed minute ranges of the day; None when the whole day is closed."""
    ranges = []
    for closure in closures:
        if closure.date != day:
            continue
        if closure.starts is None or closure.ends is None:
            return None
        ranges.append((_minutes(closure.starts), _minutes(closure.ends)))
    return ranges


def _utc(value: dt.datetime) -> dt.datetime:
    # Arithmetic and comparison between datetimes sharing one tzinfo ignore the UTC offset in
    # Python (wall-clock semantics); in UTC they are exact across the daylight-saving changes.
    return value.astimezone(UTC)


def _absent_counters(start: dt.datetime, end: dt.datetime, absences: Iterable[Absence]) -> int:
    start, end = _utc(start), _utc(end)
    return sum(a.counters for a in absences if _utc(a.starts_at) < end and start < _utc(a.ends_at))


def compute_slots(rules: CalendarRules, first_day: dt.date, last_day: dt.date) -> list[SlotSpec]:
    """All slots with capacity > 0 from ``first_day`` to ``last_day`` inclusive, in order."""
    if rules.slot_minutes <= 0:
        raise ValueError("slot_minutes must be positive")
    result: list[SlotSpec] = []
    day = first_day
    while day <= last_day:
        result.extend(_slots_of_day(rules, day))
        day += dt.timedelta(days=1)
    return result


def _slots_of_day(rules: CalendarRules, day: dt.date) -> list[SlotSpec]:
    if is_public_holiday(day, rules.state):
        return []
    closed = _closed_ranges(day, rules.closures)
    if closed is None:
        return []
    specs = []
    step = rules.slot_minutes
    for opens, closes in sorted(rules.opening.get(day.weekday(), ())):
        minute, end_minute = _minutes(opens), _minutes(closes)
        while minute + step <= end_minute:
            slot_range = (minute, minute + step)
            if not any(a < slot_range[1] and slot_range[0] < b for a, b in closed):
                start = local_datetime(day, _time_of(minute))
                # The end is the start plus the slot length in absolute time.
                if start is not None:
                    end = (start.astimezone(UTC) + dt.timedelta(minutes=step)).astimezone(TZ)
                    capacity = rules.counters - _absent_counters(start, end, rules.absences)
                    if capacity > 0:
                        specs.append(SlotSpec(start=start, end=end, capacity=capacity))
            minute += step
    return specs


def slots_needed(duration_minutes: int, slot_minutes: int) -> int:
    """How many consecutive slots an appointment of this length occupies (at least one)."""
    if duration_minutes <= 0:
        raise ValueError("duration must be positive")
    return max(1, math.ceil(duration_minutes / slot_minutes))


def appointment_duration(items: Iterable[tuple[int, int]]) -> int:
    """Sum of ``duration_minutes × count`` over the chosen services."""
    return sum(duration * count for duration, count in items)


def consecutive_starts(
    free: Sequence[tuple[dt.datetime, int]], *, slot_minutes: int, needed: int, units: int = 1
) -> list[dt.datetime]:
    """Starts at which ``needed`` consecutive slots each have at least ``units`` free.

    ``free`` is (start, free units) per slot, in any order.
    """
    ordered = sorted(((_utc(start), start, units_free) for start, units_free in free))
    step = dt.timedelta(minutes=slot_minutes)
    starts = []
    for i, (start_utc, start, _free) in enumerate(ordered):
        window = ordered[i : i + needed]
        if len(window) < needed:
            break
        if all(
            window[j][2] >= units and window[j][0] - start_utc == j * step for j in range(needed)
        ):
            starts.append(start)
    return starts


@dataclass(frozen=True)
class BookingWindow:
    earliest: dt.datetime  # no appointment may start before this instant
    last_day: dt.date  # the last bookable local date


def booking_window(
    *,
    now: dt.datetime,
    min_days_ahead: int,
    max_weeks_ahead: int,
    min_notice_minutes: int,
    daily_release_time: dt.time,
) -> BookingWindow:
    """The bookable range at ``now``: a new last day is released each day at the release time."""
    local_now = now.astimezone(TZ)
    today = local_now.date()
    first_day = today + dt.timedelta(days=min_days_ahead)
    start_of_first_day = dt.datetime.combine(first_day, dt.time(0), tzinfo=TZ)
    earliest = max(_utc(now) + dt.timedelta(minutes=min_notice_minutes), _utc(start_of_first_day))
    last_day = today + dt.timedelta(weeks=max_weeks_ahead)
    if local_now.time() < daily_release_time:
        last_day -= dt.timedelta(days=1)
    return BookingWindow(earliest=earliest, last_day=last_day)


def within_window(start: dt.datetime, window: BookingWindow) -> bool:
    return _utc(start) >= _utc(window.earliest) and start.astimezone(TZ).date() <= window.last_day
