"""Days and appointments written out with their weekday, as each language writes a date."""

import datetime
import zoneinfo

from django.utils import translation

from rathaus.core.dates import long_date, long_datetime

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def test_german_and_british_english():
    day = datetime.date(2026, 12, 7)
    start = datetime.datetime(2026, 12, 7, 13, 30, tzinfo=datetime.UTC)  # 14:30 in Berlin
    with translation.override("de"):
        assert long_date(day) == "Montag, 7. Dezember 2026"
        assert long_datetime(start) == "Montag, 7. Dezember 2026, 14:30"
    with translation.override("en"):
        assert long_date(day) == "Monday, 7 December 2026"
        assert long_datetime(start) == "Monday, 7 December 2026, 14:30"


def test_the_day_is_the_one_in_berlin():
    late = datetime.datetime(2026, 12, 6, 23, 30, tzinfo=datetime.UTC)  # Monday 00:30 in Berlin
    with translation.override("en"):
        assert long_datetime(late) == "Monday, 7 December 2026, 00:30"
        assert long_datetime(late.astimezone(BERLIN)) == "Monday, 7 December 2026, 00:30"
