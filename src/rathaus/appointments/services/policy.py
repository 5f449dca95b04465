"""An office's booking set-up read for the services: policy, window, calendar, services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from django.db.models import Q

from rathaus.core.crypto import blind_index

from .. import slots as slot_rules
from ..constants import EMAIL_DIGEST_PURPOSE, ErrorCode
from ..errors import AppointmentError
from ..models import (
    BookingPolicy,
    ClosureDay,
    Counter,
    Office,
    OfficeService,
    OpeningHours,
    StaffAbsence,
)


def email_digest(email: str) -> str:
    return blind_index(email, purpose=EMAIL_DIGEST_PURPOSE)


def policy_for(office: Office) -> BookingPolicy:
    """The office's policy, or the defaults when none has been set up yet (unsaved).

    Uses the row loaded with the office (``select_related("policy")``) when there is one.
    """
    if Office.policy.is_cached(office):
        policy = Office.policy.related.get_cached_value(office)
    else:
        policy = BookingPolicy.objects.filter(office=office).first()
    return policy or BookingPolicy(municipality_id=office.municipality_id, office=office)


def window_for(policy: BookingPolicy, now: dt.datetime) -> slot_rules.BookingWindow:
    return slot_rules.booking_window(
        now=now,
        min_days_ahead=policy.min_days_ahead,
        max_weeks_ahead=policy.max_weeks_ahead,
        min_notice_minutes=policy.min_notice_minutes,
        daily_release_time=policy.daily_release_time,
    )


def calendar_rules(*, office: Office, slot_minutes: int) -> slot_rules.CalendarRules:
    """Read an office's calendar set-up into the pure rules of ``slots.py``."""
    opening: dict[int, list[tuple[dt.time, dt.time]]] = {}
    for row in OpeningHours.objects.filter(municipality_id=office.municipality_id, office=office):
        opening.setdefault(row.weekday, []).append((row.opens, row.closes))
    closures = [
        slot_rules.Closure(date=row.date, starts=row.starts, ends=row.ends)
        for row in ClosureDay.objects.filter(municipality_id=office.municipality_id).filter(
            Q(office=office) | Q(office__isnull=True)
        )
    ]
    absences = [
        slot_rules.Absence(starts_at=row.starts_at, ends_at=row.ends_at, counters=row.counters)
        for row in StaffAbsence.objects.filter(
            municipality_id=office.municipality_id, office=office
        )
    ]
    counters = Counter.objects.filter(
        municipality_id=office.municipality_id, office=office, is_active=True
    ).count()
    return slot_rules.CalendarRules(
        opening=opening,
        counters=counters,
        slot_minutes=slot_minutes,
        state=office.municipality.state,
        closures=closures,
        absences=absences,
    )


def resolve_services(
    *,
    office: Office,
    services: Sequence[tuple[str, int]],
    offered: Mapping[str, OfficeService] | None = None,
) -> list[tuple[OfficeService, int]]:
    """The office's service rows for the chosen (slug, count) pairs; refuses unknown services.

    ``offered``: the office's active service rows by slug when the caller has them already
    (``selectors.office_for_hold``); otherwise they are read here.
    """
    counts: dict[str, int] = {}
    for slug, count in services:
        counts[slug] = counts.get(slug, 0) + int(count)
    if not counts:
        raise AppointmentError(ErrorCode.SERVICE_NOT_OFFERED)
    if offered is not None:
        rows = {slug: row for slug, row in offered.items() if row.office_id == office.pk}
    else:
        rows = {
            row.service_slug: row
            for row in OfficeService.objects.filter(
                municipality_id=office.municipality_id,
                office=office,
                is_active=True,
                service_slug__in=counts,
            )
        }
    resolved = []
    for slug, count in counts.items():
        row = rows.get(slug)
        if row is None or not 1 <= count <= row.max_count:
            raise AppointmentError(ErrorCode.SERVICE_NOT_OFFERED, {"service": slug})
        resolved.append((row, count))
    return resolved
