from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from rathaus.core.audit import audit_event_record

from . import defaults
from .models import LifeSituation, MunicipalityService, Service

#: Passed as ``fee_override`` to leave a town's existing local fee rule as it is.
KEEP = object()


def _service_upsert(*, spec: dict[str, Any], situations: dict[str, LifeSituation]) -> Service:
    spec = dict(spec)
    situation_slugs = spec.pop("life_situations", [])
    spec.setdefault("fee_note", "")
    for field, text in defaults.SERVICES_EN.get(spec["slug"], {}).items():
        spec[f"{field}_en"] = text
    service = Service.objects.filter(slug=spec["slug"]).first() or Service(slug=spec["slug"])
    for field, value in spec.items():
        setattr(service, field, value)
    service.full_clean(exclude=["life_situations"])
    service.save()
    service.life_situations.set([situations[slug] for slug in situation_slugs])
    return service


def catalogue_load_default(*, actor=None) -> list[Service]:
    """Create or update the default life situations and services (idempotent)."""
    with transaction.atomic():
        situations = {}
        for spec in defaults.LIFE_SITUATIONS:
            situation, _created = LifeSituation.objects.update_or_create(
                slug=spec["slug"],
                defaults={
                    "name": spec["name"],
                    "name_en": defaults.LIFE_SITUATIONS_EN.get(spec["slug"], ""),
                    "order": spec["order"],
                },
            )
            situations[situation.slug] = situation
        services = [_service_upsert(spec=spec, situations=situations) for spec in defaults.SERVICES]
        audit_event_record(
            action="catalogue.default_loaded",
            actor=actor,
            data={"services": len(services), "life_situations": len(situations)},
        )
    return services


def municipality_service_enable(
    *,
    municipality,
    service: Service,
    actor=None,
    fee_override: dict[str, Any] | object | None = KEEP,
) -> MunicipalityService:
    """Offer ``service`` in ``municipality`` (again).

    ``fee_override``: a local fee rule, None to use the catalogue's, KEEP to leave it alone.
    """
    with transaction.atomic():
        offering = MunicipalityService.objects.filter(
            municipality=municipality, service=service
        ).first() or MunicipalityService(municipality=municipality, service=service)
        offering.is_enabled = True
        if fee_override is not KEEP:
            offering.fee_override = fee_override
        offering.full_clean()
        offering.save()
        audit_event_record(
            action="catalogue.service_enabled",
            actor=actor,
            municipality=municipality,
            target=offering,
            data={"service": service.slug, "fee_override": offering.fee_override},
        )
    return offering


def municipality_services_enable_all(
    *, municipality, services: Iterable[Service], actor=None, fee_overrides=None
) -> list[MunicipalityService]:
    fee_overrides = fee_overrides or {}
    return [
        municipality_service_enable(
            municipality=municipality,
            service=service,
            actor=actor,
            fee_override=fee_overrides.get(service.slug, KEEP),
        )
        for service in services
    ]
