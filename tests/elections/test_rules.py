"""The deadlines of the postal vote, to the second, in Europe/Berlin (no database)."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from rathaus.elections.rules import (
    Ground,
    RuleSet,
    deadlines_for,
    ground_open,
    weekday_before,
)

BERLIN = ZoneInfo("Europe/Berlin")
UTC = datetime.UTC
FEDERAL = RuleSet()
HESSEN = RuleSet(application_time=datetime.time(13, 0))


def berlin(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=BERLIN)


def test_weekday_before_is_strictly_before():
    sunday = datetime.date(2025, 2, 23)
    assert weekday_before(sunday, 4) == datetime.date(2025, 2, 21)
    assert weekday_before(sunday, 5) == datetime.date(2025, 2, 22)
    assert weekday_before(datetime.date(2025, 2, 21), 4) == datetime.date(2025, 2, 14)


def test_federal_application_deadline_friday_15_00_to_the_second():
    deadlines = deadlines_for(election_day=datetime.date(2025, 2, 23), rules=FEDERAL)
    assert deadlines.application == berlin(2025, 2, 21, 15, 0)
    regular = Ground.REGULAR
    assert ground_open(now=berlin(2025, 2, 21, 14, 59, 59), deadlines=deadlines, ground=regular)
    assert not ground_open(now=berlin(2025, 2, 21, 15, 0, 0), deadlines=deadlines, ground=regular)
    assert not ground_open(now=berlin(2025, 2, 22, 9, 0), deadlines=deadlines, ground=regular)


def test_the_same_instant_given_in_utc_counts_the_same():
    deadlines = deadlines_for(election_day=datetime.date(2025, 2, 23), rules=FEDERAL)
    # 21 Feb 2025 is winter time: 15:00 in Berlin is 14:00 UTC.
    just_before = datetime.datetime(2025, 2, 21, 13, 59, 59, tzinfo=UTC)
    at_deadline = datetime.datetime(2025, 2, 21, 14, 0, 0, tzinfo=UTC)
    assert ground_open(now=just_before, deadlines=deadlines, ground=Ground.REGULAR)
    assert not ground_open(now=at_deadline, deadlines=deadlines, ground=Ground.REGULAR)


def test_a_land_rule_of_13_00():
    deadlines = deadlines_for(election_day=datetime.date(2028, 10, 8), rules=HESSEN)
    assert deadlines.application == berlin(2028, 10, 6, 13, 0)
    assert ground_open(
        now=berlin(2028, 10, 6, 12, 59, 59), deadlines=deadlines, ground=Ground.REGULAR
    )
    assert not ground_open(
        now=berlin(2028, 10, 6, 13, 0, 0), deadlines=deadlines, ground=Ground.REGULAR
    )
    # The Land's exception on election day keeps its own time.
    assert deadlines.exception == berlin(2028, 10, 8, 15, 0)


def test_spring_forward_weekend():
    """Summer time starts on Sunday 30 March 2025 at 02:00: Friday's 15:00 is 14:00 UTC,
    election day's 15:00 is 13:00 UTC."""
    deadlines = deadlines_for(election_day=datetime.date(2025, 3, 30), rules=FEDERAL)
    assert deadlines.application == datetime.datetime(2025, 3, 28, 14, 0, tzinfo=UTC)
    assert deadlines.replacement == datetime.datetime(2025, 3, 29, 11, 0, tzinfo=UTC)
    assert deadlines.exception == datetime.datetime(2025, 3, 30, 13, 0, tzinfo=UTC)
    illness = Ground.SUDDEN_ILLNESS
    assert ground_open(
        now=datetime.datetime(2025, 3, 30, 12, 59, 59, tzinfo=UTC),
        deadlines=deadlines,
        ground=illness,
    )
    assert not ground_open(
        now=datetime.datetime(2025, 3, 30, 13, 0, 0, tzinfo=UTC),
        deadlines=deadlines,
        ground=illness,
    )


def test_fall_back_weekend():
    """Winter time starts on Sunday 26 October 2025 at 03:00: Friday's 15:00 is 13:00 UTC,
    election day's 15:00 is 14:00 UTC."""
    deadlines = deadlines_for(election_day=datetime.date(2025, 10, 26), rules=FEDERAL)
    assert deadlines.application == datetime.datetime(2025, 10, 24, 13, 0, tzinfo=UTC)
    assert deadlines.exception == datetime.datetime(2025, 10, 26, 14, 0, tzinfo=UTC)
    assert ground_open(
        now=datetime.datetime(2025, 10, 26, 13, 59, 59, tzinfo=UTC),
        deadlines=deadlines,
        ground=Ground.SECTION_25_2,
    )
    assert not ground_open(
        now=datetime.datetime(2025, 10, 26, 14, 0, 0, tzinfo=UTC),
        deadlines=deadlines,
        ground=Ground.SECTION_25_2,
    )


def test_illness_exception_after_the_regular_deadline_until_election_day_15_00():
    deadlines = deadlines_for(election_day=datetime.date(2025, 2, 23), rules=FEDERAL)
    saturday = berlin(2025, 2, 22, 10, 0)
    assert not ground_open(now=saturday, deadlines=deadlines, ground=Ground.REGULAR)
    assert ground_open(now=saturday, deadlines=deadlines, ground=Ground.SUDDEN_ILLNESS)
    sunday = Ground.SUDDEN_ILLNESS
    assert ground_open(now=berlin(2025, 2, 23, 14, 59, 59), deadlines=deadlines, ground=sunday)
    assert not ground_open(now=berlin(2025, 2, 23, 15, 0, 0), deadlines=deadlines, ground=sunday)


def test_replacement_until_saturday_noon():
    deadlines = deadlines_for(election_day=datetime.date(2025, 2, 23), rules=FEDERAL)
    assert deadlines.replacement == berlin(2025, 2, 22, 12, 0)
    replace = Ground.REPLACEMENT
    assert ground_open(now=berlin(2025, 2, 22, 11, 59, 59), deadlines=deadlines, ground=replace)
    assert not ground_open(now=berlin(2025, 2, 22, 12, 0, 0), deadlines=deadlines, ground=replace)


def test_naive_now_is_refused():
    deadlines = deadlines_for(election_day=datetime.date(2025, 2, 23), rules=FEDERAL)
    with pytest.raises(ValueError):
        ground_open(
            now=datetime.datetime(2025, 2, 21, 14, 0), deadlines=deadlines, ground="regular"
        )
