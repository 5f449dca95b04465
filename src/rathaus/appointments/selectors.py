"""Selectors (reads). Every function takes the municipality; "missing" and "not yours" are 404."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core import signing
from django.db.models import Count, F, QuerySet
from django.http import Http404
from django.utils import timezone

from rathaus.accounts.models import StaffMembership
from rathaus.catalogue.selectors import service_list_for
from rathaus.core.cache import ProcessCache, Row
from rathaus.core.translated import translated

from . import slots as slot_rules
from .constants import HoldState
from .models import Booking, BookingPolicy, Counter, Hold, Office, OfficeService, OpeningHours, Slot
from .services import CONFIRM_SALT, policy_for, resolve_services, window_for


def office_list(*, municipality) -> QuerySet[Office]:
    return Office.objects.filter(municipality=municipality, is_active=True)


def office_get(*, municipality, slug: str) -> Office:
    office = (
        Office.objects.select_related("municipality", "policy")
        .filter(municipality=municipality, slug=slug, is_active=True)
        .first()
    )
    if office is None:
        raise Http404
    return office


def office_services(*, municipality, office: Office) -> QuerySet[OfficeService]:
    return OfficeService.objects.filter(municipality=municipality, office=office, is_active=True)


def free_starts(
    *,
    municipality,
    office: Office,
    services: Sequence[tuple[str, int]],
    first_day: dt.date,
    last_day: dt.date,
    units: int = 1,
    now: dt.datetime | None = None,
) -> list[dt.datetime]:
    """Start times at which the chosen services fit, within the booking window.

    Advisory only: the hold is the truth, a listed start may be gone a moment later.
    """
    if office.municipality_id != municipality.pk:
        raise Http404
    now = now or timezone.now()
    policy = policy_for(office)
    window = window_for(policy, now)
    last_day = min(last_day, window.last_day)
    resolved = resolve_services(office=office, services=services)
    duration = slot_rules.appointment_duration((r.duration_minutes, c) for r, c in resolved)
    needed = slot_rules.slots_needed(duration, policy.slot_minutes)
    tz = slot_rules.TZ
    rows = (
        Slot.objects.filter(
            municipality=municipality,
            office=office,
            start__gte=dt.datetime.combine(first_day, dt.time(0), tzinfo=tz),
            start__lt=dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0), tzinfo=tz),
        )
        .annotate(free=F("capacity") - F("taken"))
        .values_list("start", "free")
    )
    starts = slot_rules.consecutive_starts(
        list(rows), slot_minutes=policy.slot_minutes, needed=needed, units=units
    )
    return [s.astimezone(tz) for s in starts if slot_rules.within_window(s, window)]


FREE_STARTS_CACHE_SECONDS = 2


# With a few processes each recomputes a key at most once per FREE_STARTS_CACHE_SECONDS, which
# the database does not notice.
_SHORT_CACHE = ProcessCache(seconds=FREE_STARTS_CACHE_SECONDS)


def short_cache() -> ProcessCache:
    """The cache for answers that may be at most ``FREE_STARTS_CACHE_SECONDS`` old."""
    return _SHORT_CACHE


def free_starts_key(
    *, municipality_id: int, office: str, services: Sequence[tuple[str, int]], first, last
) -> str:
    """Cache key part: town, office (pk or slug), services with counts (sorted), date range."""
    chosen = sorted((slug, int(count)) for slug, count in services)
    return "{}:{}:{}:{}:{}".format(
        municipality_id,
        office,
        ",".join(f"{slug}={count}" for slug, count in chosen),
        first.isoformat(),
        last.isoformat(),
    )


def free_starts_cached(
    *,
    municipality,
    office: Office,
    services: Sequence[tuple[str, int]],
    first_day: dt.date,
    last_day: dt.date,
) -> list[dt.datetime]:
    """``free_starts`` through a cache of at most two seconds, for the release-time rush.

    A listed start may be gone already; ``hold_create`` decides, so a short cache is safe.
    """
    chosen = sorted((slug, int(count)) for slug, count in services)
    key = "free:" + free_starts_key(
        municipality_id=municipality.pk,
        office=str(office.pk),
        services=chosen,
        first=first_day,
        last=last_day,
    )
    starts = short_cache().get_or_compute(
        key,
        lambda: tuple(
            free_starts(
                municipality=municipality,
                office=office,
                services=chosen,
                first_day=first_day,
                last_day=last_day,
            )
        ),
    )
    return list(starts)


def office_for_hold(*, municipality, slug: str) -> tuple[Office, dict[str, OfficeService]]:
    """The active office (with its policy) and its active service rows by slug, for the hold
    request; kept for at most ``FREE_STARTS_CACHE_SECONDS`` per town and office slug.

    A hold reads the office's set-up on every request, while it changes a few times a year: a
    change (a new policy, a service switched off, the office closed) takes effect within two
    seconds. Capacity is not part of it: the hold's conditional ``UPDATE`` still decides. A
    missing or foreign office raises 404 and is not cached.
    """

    def load() -> tuple[Row, Row | None, tuple[Row, ...]]:
        office = office_get(municipality=municipality, slug=slug)  # with its policy, if any
        try:
            policy = office.policy
        except BookingPolicy.DoesNotExist:
            policy = None
        rows = office_services(municipality=municipality, office=office)
        return Row.of(office), policy and Row.of(policy), tuple(Row.of(row) for row in rows)

    office_row, policy_row, service_rows = short_cache().get_or_compute(
        ("office-hold", municipality.pk, slug), load
    )
    # Fresh instances for this caller, linked to each other and to the caller's municipality.
    office = office_row.instance()
    Office.municipality.field.set_cached_value(office, municipality)
    policy = policy_row.instance() if policy_row else None
    Office.policy.related.set_cached_value(office, policy)
    services = {}
    for service_row in service_rows:
        service = service_row.instance()
        OfficeService.office.field.set_cached_value(service, office)
        services[service.service_slug] = service
    return office, services


def booking_get(*, municipality, code: str) -> Booking:
    booking = (
        Booking.objects.select_related("office")
        .filter(municipality=municipality, code=code.strip().upper())
        .first()
    )
    if booking is None:
        raise Http404
    return booking


def _require_staff(*, actor, municipality) -> None:
    if not (
        actor is not None
        and actor.is_authenticated
        and actor.is_staff
        and StaffMembership.objects.filter(user=actor, municipality=municipality).exists()
    ):
        raise Http404


def bookings_for_office_day(
    *, actor, municipality, office_slug: str, day: dt.date
) -> QuerySet[Booking]:
    """The appointments of one office and day, for a clerk of this municipality."""
    _require_staff(actor=actor, municipality=municipality)
    office = office_get(municipality=municipality, slug=office_slug)
    tz = slot_rules.TZ
    return (
        Booking.objects.filter(
            municipality=municipality,
            office=office,
            start__gte=dt.datetime.combine(day, dt.time(0), tzinfo=tz),
            start__lt=dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=tz),
        )
        .prefetch_related("items")
        .order_by("start")
    )


def slot_occupancy(*, actor, municipality, office_slug: str, day: dt.date) -> QuerySet[Slot]:
    """Slots of one office and day with capacity and taken units, for a clerk."""
    _require_staff(actor=actor, municipality=municipality)
    office = office_get(municipality=municipality, slug=office_slug)
    tz = slot_rules.TZ
    return Slot.objects.filter(
        municipality=municipality,
        office=office,
        start__gte=dt.datetime.combine(day, dt.time(0), tzinfo=tz),
        start__lt=dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=tz),
    ).order_by("start")


def services_offered(*, municipality) -> QuerySet[OfficeService]:
    """Service rows of all active offices of the town."""
    return OfficeService.objects.filter(
        municipality=municipality, is_active=True, office__is_active=True
    )


def offices_offering(*, municipality, services: Sequence[tuple[str, int]]) -> list[Office]:
    """Active offices that offer every chosen service in the chosen count."""
    offices = []
    for office in office_list(municipality=municipality).prefetch_related("services"):
        rows = {row.service_slug: row for row in office.services.all() if row.is_active}
        if all(slug in rows and count <= rows[slug].max_count for slug, count in services):
            offices.append(office)
    return offices


def catalogue_names(*, municipality) -> dict[str, str]:
    """Display names of the catalogue's services by slug (the slug where none is found)."""

    return {
        offering.service.slug: offering.name
        for offering in service_list_for(municipality=municipality)
    }


def hold_get(*, municipality, token: str) -> Hold | None:
    """An active, unexpired, unused hold of this town, or None."""
    if not token:
        return None
    hold = (
        Hold.objects.select_related("office")
        .filter(
            municipality=municipality,
            token=token,
            state=HoldState.ACTIVE,
            expires_at__gt=timezone.now(),
            booking__isnull=True,
        )
        .first()
    )
    return hold


def office_counters(*, municipality, office: Office) -> QuerySet[Counter]:
    return Counter.objects.filter(municipality=municipality, office=office, is_active=True)


def booking_by_confirm_token(*, municipality, token: str) -> Booking | None:
    """The appointment a confirmation link names, to show what is being confirmed; or None."""
    try:
        payload = signing.loads(token, salt=CONFIRM_SALT)
        code, hold_id = str(payload["c"]), int(payload["h"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return (
        Booking.objects.select_related("office")
        .filter(municipality=municipality, code=code, hold_id=hold_id)
        .first()
    )


def booking_services_shown(*, municipality, booking: Booking) -> list[dict]:
    """The booked services with how many and what to bring (from the catalogue), in the order
    they were chosen."""

    items = list(booking.items.order_by("pk"))
    offerings = service_list_for(municipality=municipality).filter(
        service__slug__in=[item.service_slug for item in items]
    )
    offered = {offering.service.slug: offering for offering in offerings}
    shown = []
    for item in items:
        offering = offered.get(item.service_slug)
        bring = translated(offering.service, "required_documents") if offering else ""
        shown.append(
            {
                "name": offering.name if offering else item.service_slug,
                "count": item.count,
                "bring": [line for line in bring.splitlines() if line.strip()],
            }
        )
    return shown


def opening_hours_by_office(*, municipality) -> list[dict]:
    """The published opening hours: the same rows the appointment slots are made from, per
    active office, one entry per open weekday with its intervals ("08:00–12:00")."""
    rows = (
        OpeningHours.objects.filter(municipality=municipality, office__is_active=True)
        .select_related("office")
        .order_by("office__name", "office_id", "weekday", "opens")
    )
    offices: dict[int, dict] = {}
    for row in rows:
        office = offices.setdefault(row.office_id, {"office": row.office, "days": {}})
        office["days"].setdefault(row.get_weekday_display(), []).append(
            f"{row.opens:%H:%M}–{row.closes:%H:%M}"
        )
    return [
        {"office": entry["office"], "days": list(entry["days"].items())}
        for entry in offices.values()
    ]


def service_offered_at_an_office(municipality_id: int, service_slug: str) -> bool:
    """Whether an active office of the town takes appointments for the catalogue service."""
    return services_offered(municipality=municipality_id).filter(service_slug=service_slug).exists()


def booking_state_counts() -> list[tuple[str, str, int]]:
    """(municipality short name, status, count) of every Booking row, for the metrics page."""
    rows = (
        Booking.objects.values_list("municipality__slug", "status")
        .annotate(count=Count("pk"))
        .order_by("municipality__slug", "status")
    )
    return list(rows)
