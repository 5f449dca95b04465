"""The period of an Auskunftssperre (§51(4) BMG). Pure rules: no database access here."""

from __future__ import annotations

import datetime

from rathaus.register.constants import AUSKUNFTSSPERRE_YEARS, years_later_last_day

# The reminder before a block ends goes out this many days before its last day, so that a
# renewal can be decided in time.
REMINDER_DAYS_BEFORE_END = 42


def block_period(
    *, today: datetime.date, current_until: datetime.date | None
) -> tuple[datetime.date, datetime.date]:
    """(first day, last day) of the block an approval enters: from today, or — a renewal —
    from the day after the block in force ends, for two years (§51(4) BMG)."""
    start = today
    if current_until is not None and current_until >= today:
        start = current_until + datetime.timedelta(days=1)
    return start, years_later_last_day(start, AUSKUNFTSSPERRE_YEARS)


def reminder_due(*, today: datetime.date, until: datetime.date) -> bool:
    return today <= until <= today + datetime.timedelta(days=REMINDER_DAYS_BEFORE_END)
