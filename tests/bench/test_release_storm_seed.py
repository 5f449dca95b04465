"""The storm office of the release-storm benchmark and the fault test
(bench/lib/release_storm_seed.py): released at the given moment at any time of day, also when
midnight in Berlin passed between the seed and the release."""

import datetime as dt
import json

import pytest
from bench.lib import release_storm_seed
from django.utils import timezone

from rathaus.appointments.models import Office, Slot
from rathaus.appointments.services.policy import policy_for, window_for
from rathaus.appointments.slots import TZ

pytestmark = pytest.mark.django_db
SEEDED_AT = dt.datetime(2026, 12, 4, 23, 59, 0, tzinfo=TZ)


def _last_day(office, now: dt.datetime) -> dt.date:
    return window_for(policy_for(office), now).last_day


@pytest.mark.parametrize("seconds_after_seed", [20, 90], ids=["same day", "after midnight"])
def test_the_storm_day_is_released_at_the_given_moment(
    norderstedt, tmp_path, monkeypatch, seconds_after_seed
):
    monkeypatch.setattr(timezone, "now", lambda: SEEDED_AT)
    details_file = tmp_path / "release_storm.json"
    release_storm_seed.seed(str(details_file), sustained_days=1)
    moment = SEEDED_AT + dt.timedelta(seconds=seconds_after_seed)

    release_storm_seed.release(moment.isoformat(), str(details_file))

    day = moment.date() + dt.timedelta(weeks=1)
    office = Office.objects.get(slug=release_storm_seed.STORM_OFFICE)
    starts = list(Slot.objects.filter(office=office).values_list("start", flat=True))
    assert {start.astimezone(TZ).date() for start in starts} == {day}
    storm = json.loads(details_file.read_text())["storm"]
    assert storm["day"] == day.isoformat()
    assert storm["starts"] == [start.astimezone(TZ).isoformat() for start in sorted(starts)]
    assert len(storm["starts"]) == release_storm_seed.STORM_SLOTS
    # Not bookable a second before the moment, bookable from it on, and still after midnight.
    assert _last_day(office, moment - dt.timedelta(seconds=1)) < day
    assert _last_day(office, moment) >= day
    assert _last_day(office, moment + dt.timedelta(minutes=10)) >= day
