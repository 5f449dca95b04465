from decimal import Decimal

import pytest
from django.core.management import call_command

from rathaus.catalogue import defaults
from rathaus.catalogue.demo import load
from rathaus.catalogue.models import LifeSituation, MunicipalityService, Service
from rathaus.catalogue.selectors import service_for
from rathaus.catalogue.services import municipality_service_enable
from rathaus.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_demo_load_is_idempotent(catalogue):
    norderstedt, reinbek = catalogue
    counts = (Service.objects.count(), MunicipalityService.objects.count())
    load()
    assert (Service.objects.count(), MunicipalityService.objects.count()) == counts
    assert counts[0] == len(defaults.SERVICES)
    assert LifeSituation.objects.count() == len(defaults.LIFE_SITUATIONS)
    for town in (norderstedt, reinbek):
        assert MunicipalityService.objects.filter(municipality=town).count() == counts[0]


def test_every_default_service_validates(catalogue):
    for service in Service.objects.all():
        service.full_clean()
        assert service.life_situations.exists(), service.slug


def test_mission_services_are_in_the_catalogue(catalogue):
    slugs = set(Service.objects.values_list("slug", flat=True))
    assert {
        "anmeldung",
        "ummeldung",
        "abmeldung",
        "uebermittlungssperren",
        "meldebescheinigung",
        "fuehrungszeugnis",
        "personalausweis",
        "briefwahl",
        "termin-buergerbuero",
        "allgemeines-anliegen",
    } <= slugs


def test_meldebescheinigung_fee_per_town(catalogue):
    norderstedt, reinbek = catalogue
    nor = service_for(municipality=norderstedt, slug="meldebescheinigung")
    rei = service_for(municipality=reinbek, slug="meldebescheinigung")
    assert nor.fee.amount == Decimal("7.50")
    assert rei.fee.amount == Decimal("8.00")


def test_reloading_keeps_a_local_fee_set_by_the_town(catalogue):
    _norderstedt, reinbek = catalogue
    offering = service_for(municipality=reinbek, slug="fuehrungszeugnis")
    offering.fee_override = {"kind": "fixed", "amount": "0.00"}
    offering.save()
    call_command("load_catalogue", "--all-municipalities", stdout=None)
    offering.refresh_from_db()
    assert offering.fee_override == {"kind": "fixed", "amount": "0.00"}


def test_text_overrides_replace_the_catalogue_text(catalogue):
    norderstedt, reinbek = catalogue
    MunicipalityService.objects.filter(municipality=reinbek, service__slug="anmeldung").update(
        name_override="Anmeldung in Reinbek", summary_override="Reinbeker Text"
    )
    rei = service_for(municipality=reinbek, slug="anmeldung")
    nor = service_for(municipality=norderstedt, slug="anmeldung")
    assert (rei.name, rei.summary) == ("Anmeldung in Reinbek", "Reinbeker Text")
    assert nor.name == nor.service.name


def test_enable_writes_an_audit_event(catalogue):
    norderstedt, _reinbek = catalogue
    service = Service.objects.get(slug="briefwahl")
    MunicipalityService.objects.filter(municipality=norderstedt, service=service).update(
        is_enabled=False
    )
    before = AuditEvent.objects.filter(action="catalogue.service_enabled").count()
    offering = municipality_service_enable(municipality=norderstedt, service=service)
    assert offering.is_enabled
    event = AuditEvent.objects.filter(action="catalogue.service_enabled").latest("id")
    assert AuditEvent.objects.filter(action="catalogue.service_enabled").count() == before + 1
    assert event.municipality == norderstedt and event.data["service"] == "briefwahl"


def test_load_catalogue_command_for_one_town(towns):
    norderstedt, reinbek = towns
    MunicipalityService.objects.all().delete()  # the fixture's towns offer the demo catalogue
    call_command("load_catalogue", "--municipality", "reinbek")
    assert MunicipalityService.objects.filter(municipality=reinbek).count() == len(
        defaults.SERVICES
    )
    assert not MunicipalityService.objects.filter(municipality=norderstedt).exists()


def test_load_catalogue_command_rejects_unknown_town(towns):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("load_catalogue", "--municipality", "atlantis")


def test_service_fee_for_procedures(catalogue):
    from datetime import date

    from rathaus.catalogue.selectors import service_fee

    norderstedt, reinbek = catalogue
    assert service_fee(municipality=reinbek, service_slug="meldebescheinigung") == Decimal("8.00")
    assert service_fee(municipality=norderstedt, service_slug="fuehrungszeugnis") == Decimal(
        "13.00"
    )
    assert service_fee(municipality=norderstedt, service_slug="anmeldung") is None  # free
    assert service_fee(municipality=norderstedt, service_slug="personalausweis") is None
    assert service_fee(
        municipality=norderstedt,
        service_slug="personalausweis",
        birth_date=date(2005, 1, 1),
        on=date(2026, 6, 1),
    ) == Decimal("27.60")
    assert service_fee(municipality=norderstedt, service_slug="gibt-es-nicht") is None
