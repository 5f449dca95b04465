"""Rules of the Abmeldung. Pure: no database access here."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

# §17(2) BMG: an Abmeldung is possible at the earliest one week before moving out.
EARLIEST_DAYS_BEFORE = 7


class Reason(models.TextChoices):
    ABROAD = "abroad", _("I am moving abroad and keep no home in Germany")
    SECONDARY = "secondary", _("I am giving up a secondary residence")
    WITHIN_GERMANY = "germany", _("I am moving to another home in Germany")


class Identity(models.TextChoices):
    EID = "eid", _("online ID card (eID)")
    ALTERNATIVE = "alternative", _("name, date of birth and ID document number (§ 23 (6) BMG)")


def earliest_filing_day(moved_out: datetime.date) -> datetime.date:
    return moved_out - datetime.timedelta(days=EARLIEST_DAYS_BEFORE)


def too_early(*, moved_out: datetime.date, today: datetime.date) -> bool:
    """§17(2) BMG: not earlier than one week before moving out."""
    return today < earliest_filing_day(moved_out)


def identity_for(trust_level: str | None) -> Identity:
    return Identity.EID if trust_level == "high" else Identity.ALTERNATIVE
