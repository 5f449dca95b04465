from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse

from rathaus.core.cache import ProcessCache

from .constants import DeliveryMode
from .fees import BirthDateRequired, fee_for
from .models import LifeSituation, MunicipalityService
from .search import SearchText, match_score, query_words

POPULAR_LIMIT = 6
MAX_QUERY_LENGTH = 100

# Every page of an online journey asks whether the town offers the service and which identity
# proof it needs, so the answer is kept in each process for a short time, as the town's host
# look-up is: a change in the admin reaches this process at once (signals clear the cache) and
# every other process within this many seconds.
OFFERING_CACHE_SECONDS = 30
_trust_levels = ProcessCache(seconds=OFFERING_CACHE_SECONDS, max_entries=2000)


def offering_cache_clear() -> None:
    _trust_levels.clear()


def _offerings(*, municipality) -> QuerySet[MunicipalityService]:
    return (
        MunicipalityService.objects.filter(
            municipality=municipality, is_enabled=True, service__is_active=True
        )
        .select_related("service")
        .order_by("service__name")
    )


def service_list_for(*, municipality) -> QuerySet[MunicipalityService]:
    """The services a municipality offers, with their life situations, by name."""
    return _offerings(municipality=municipality).prefetch_related(
        Prefetch("service__life_situations", queryset=LifeSituation.objects.order_by("order"))
    )


def service_for(*, municipality, slug: str) -> MunicipalityService:
    """One enabled service of the municipality; 404 when unknown or not offered there."""
    return get_object_or_404(_offerings(municipality=municipality), service__slug=slug)


def service_popular_for(*, municipality, limit: int = POPULAR_LIMIT) -> list[MunicipalityService]:
    return list(
        _offerings(municipality=municipality)
        .filter(service__popular_rank__isnull=False)
        .order_by("service__popular_rank", "service__name")[:limit]
    )


def service_offering(*, municipality, service_slug: str) -> MunicipalityService | None:
    """The municipality's enabled offering of a service, or None where it is not offered."""
    return _offerings(municipality=municipality).filter(service__slug=service_slug).first()


def service_trust_level(*, municipality, service_slug: str) -> str | None:
    """The identity proof the municipality's enabled offering of a service needs, or None where
    it is not offered. Asked on every page of an online journey: kept for
    ``OFFERING_CACHE_SECONDS`` in this process."""

    def trust_level() -> str | None:
        return (
            _offerings(municipality=municipality)
            .filter(service__slug=service_slug)
            .values_list("service__trust_level", flat=True)
            .first()
        )

    return _trust_levels.get_or_compute((municipality.pk, service_slug), trust_level)


def service_fee(
    *, municipality, service_slug: str, birth_date: date | None = None, on: date | None = None
) -> Decimal | None:
    """The fee the municipality charges for the service, for procedures and payments.

    None when the service is not offered there, is free, or depends on an age not given.
    """
    offering = service_offering(municipality=municipality, service_slug=service_slug)
    if offering is None:
        return None
    rule = offering.fee
    if rule.is_free:
        return None
    try:
        return fee_for(rule, birth_date=birth_date, on=on)
    except BirthDateRequired:
        return None


@dataclass(frozen=True)
class LifeSituationGroup:
    life_situation: LifeSituation | None  # None: services without a life situation
    offerings: list[MunicipalityService]


def services_by_life_situation(*, municipality) -> list[LifeSituationGroup]:
    """Life situations in order, each with its services; a service may appear in several."""
    groups: dict[int | None, LifeSituationGroup] = {}
    order: list[tuple[int, str, int | None]] = []
    for offering in service_list_for(municipality=municipality):
        situations = list(offering.service.life_situations.all()) or [None]
        for situation in situations:
            key = situation.pk if situation else None
            if key not in groups:
                groups[key] = LifeSituationGroup(life_situation=situation, offerings=[])
                sort = (situation.order, situation.name, key) if situation else (10**6, "", None)
                order.append(sort)
            groups[key].offerings.append(offering)
    return [groups[key] for *_sort, key in sorted(order, key=lambda s: (s[0], s[1]))]


def service_search(*, municipality, query: str) -> list[MunicipalityService]:
    """Enabled services matching ``query``, best first; tolerant of typos and umlaut spellings."""
    terms = query_words(query[:MAX_QUERY_LENGTH])
    if not terms:
        return []
    scored = []
    for offering in _offerings(municipality=municipality):
        service = offering.service
        text = SearchText.build(
            strong=[offering.name, service.name, *service.keywords.split(",")],
            weak=[offering.summary],
        )
        score = match_score(terms, text)
        if score > 0:
            rank = service.popular_rank or 10**4
            scored.append((-score, rank, offering.name, offering))
    scored.sort(key=lambda item: item[:3])
    return [item[3] for item in scored]


# Which online procedure serves a catalogue service: the case engine sits above the catalogue and
# tells it when Django starts (``online_procedure_finder_set``), so the catalogue imports nothing
# of it. The finder takes a service slug and returns a procedure key or None.
_online_procedure_finder: Callable[[str], str | None] = lambda service_slug: None  # noqa: E731


def online_procedure_finder_set(finder: Callable[[str], str | None]) -> None:
    global _online_procedure_finder
    _online_procedure_finder = finder


def _procedure_key_for(service_slug: str) -> str | None:
    """The key of the installed online procedure that serves this catalogue service, if any."""
    return _online_procedure_finder(service_slug)


# Online services that are not case-engine procedures (the postal vote) name their start page
# here when Django starts: service slug -> URL name.
_own_start_pages: dict[str, str] = {}


def own_start_page_set(*, service_slug: str, url_name: str) -> None:
    _own_start_pages[service_slug] = url_name


def service_start_url(*, offering: MunicipalityService) -> str | None:
    """Where the online procedure starts, or None while no procedure is installed for it.

    The case engine answers every ``/anliegen/<key>/start/`` URL, so the URL alone proves
    nothing: only a registered procedure for this service gives a page that exists.
    """
    if offering.service.delivery_mode == DeliveryMode.APPOINTMENT:
        return None
    if offering.slug in _own_start_pages:
        return reverse(_own_start_pages[offering.slug])
    key = _procedure_key_for(offering.slug)
    if key is None:
        return None
    try:
        return reverse("cases:start", kwargs={"procedure_key": key})
    except NoReverseMatch:
        return None


def services_online_for(*, municipality) -> list[tuple[MunicipalityService, str]]:
    """The services a citizen can do online in this town, each with where it starts (the
    Leichte Sprache page explains every one of them)."""
    started = (
        (offering, service_start_url(offering=offering))
        for offering in _offerings(municipality=municipality)
    )
    return [(offering, url) for offering, url in started if url]


# Which services the town's offices take appointments for: the appointments app sits above the
# catalogue and tells it when Django starts (``appointment_finder_set``). The finder takes the
# municipality's id and a service slug and answers whether an office of the town offers it.
_appointment_finder: Callable[[int, str], bool] = lambda municipality_id, service_slug: False  # noqa: E731


def appointment_finder_set(finder: Callable[[int, str], bool]) -> None:
    global _appointment_finder
    _appointment_finder = finder


def service_booking_url(*, offering: MunicipalityService) -> str | None:
    """The appointment booking page for the service, only where an office of this town takes
    appointments for it: a link never ends at "no office offers this"."""
    if offering.service.delivery_mode == DeliveryMode.ONLINE:
        return None
    if not _appointment_finder(offering.municipality_id, offering.slug):
        return None
    try:
        return reverse("appointments:book_service", kwargs={"slug": offering.slug})
    except NoReverseMatch:
        return None
