"""A day or an appointment written out in the active language, with its weekday:
"Montag, 7. Dezember 2026, 14:30" / "Monday, 7 December 2026, 14:30". The language's own
formats (``DATE_FORMAT``, ``TIME_FORMAT``; English from ``rathaus.formats.en``) decide the order."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.formats import date_format, time_format


def long_date(value: datetime.date) -> str:
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{date_format(value, 'l')}, {date_format(value, 'DATE_FORMAT')}"


def long_datetime(value: datetime.datetime) -> str:
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{long_date(value)}, {time_format(value, 'TIME_FORMAT')}"
