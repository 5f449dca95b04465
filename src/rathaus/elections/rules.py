"""Pure rules of the postal vote: the deadlines of an election (BWO §27(4), §28(10)).

No database, no clock: callers pass the election day, the rule set and ``now``. Every deadline is
a wall-clock time in Europe/Berlin on a given day; ``zoneinfo`` turns it into the right instant on
either side of a daylight-saving change. A deadline is the first moment that is too late: an
application at 14:59:59 meets a 15:00 deadline, one at 15:00:00 does not."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import models
from django.utils.translation import gettext_lazy as _

BERLIN = ZoneInfo("Europe/Berlin")
FRIDAY = 4
SATURDAY = 5


class Ground(models.TextChoices):
    """Why a Wahlschein is asked for; each ground has its own deadline."""

    REGULAR = "regular", _("regular application")
    # §27(4) sentence 3 BWO: sudden illness that makes going to the polling station impossible.
    SUDDEN_ILLNESS = "sudden_illness", _("sudden illness")
    # §25(2) BWO: not in the voter register through no fault of one's own.
    SECTION_25_2 = "section_25_2", _("§25(2) BWO: not in the voter register")
    # §28(10) BWO: the Wahlschein was lost or did not arrive.
    REPLACEMENT = "replacement", _("replacement of a lost Wahlschein")


@dataclass(frozen=True)
class RuleSet:
    """The times an election's law sets. Federal and EU elections: 15:00, 15:00 and 12:00 (BWO,
    EuWO); a Land may set another application deadline (Hessen: 13:00)."""

    application_time: datetime.time = datetime.time(15, 0)
    exception_time: datetime.time = datetime.time(15, 0)
    replacement_time: datetime.time = datetime.time(12, 0)


@dataclass(frozen=True)
class Deadlines:
    application: datetime.datetime  # the Friday before election day
    exception: datetime.datetime  # election day: sudden illness and §25(2)
    replacement: datetime.datetime  # the Saturday before election day

    def for_ground(self, ground: str) -> datetime.datetime:
        if ground == Ground.REGULAR:
            return self.application
        if ground in (Ground.SUDDEN_ILLNESS, Ground.SECTION_25_2):
            return self.exception
        if ground == Ground.REPLACEMENT:
            return self.replacement
        raise ValueError(f"unknown ground {ground!r}")


def weekday_before(day: datetime.date, weekday: int) -> datetime.date:
    """The last ``weekday`` strictly before ``day`` (Monday = 0)."""
    return day - datetime.timedelta(days=(day.weekday() - weekday - 1) % 7 + 1)


def _at(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return datetime.datetime.combine(day, time, tzinfo=BERLIN)


def deadlines_for(*, election_day: datetime.date, rules: RuleSet) -> Deadlines:
    return Deadlines(
        application=_at(weekday_before(election_day, FRIDAY), rules.application_time),
        exception=_at(election_day, rules.exception_time),
        replacement=_at(weekday_before(election_day, SATURDAY), rules.replacement_time),
    )


def ground_open(*, now: datetime.datetime, deadlines: Deadlines, ground: str) -> bool:
    """Whether an application on ``ground`` made at ``now`` (aware) is in time."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now < deadlines.for_ground(ground)
