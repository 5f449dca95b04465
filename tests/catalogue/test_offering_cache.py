import pytest

from rathaus.catalogue.models import MunicipalityService, Service
from rathaus.catalogue.selectors import service_trust_level
from rathaus.core.cache import ProcessCache

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept(monkeypatch, clock):
    """The offering cache on a clock the test moves."""
    from rathaus.catalogue import selectors

    monkeypatch.setattr(
        selectors,
        "_trust_levels",
        ProcessCache(seconds=selectors.OFFERING_CACHE_SECONDS, timer=clock),
    )
    return selectors


def test_the_trust_level_is_asked_once_until_the_cache_expires(
    norderstedt, reinbek, kept, clock, django_assert_num_queries
):
    with django_assert_num_queries(1):
        level = service_trust_level(municipality=norderstedt, service_slug="anmeldung")
    assert level == Service.objects.get(slug="anmeldung").trust_level
    with django_assert_num_queries(0):
        assert service_trust_level(municipality=norderstedt, service_slug="anmeldung") == level
    # Another town's offering is its own entry.
    with django_assert_num_queries(1):
        service_trust_level(municipality=reinbek, service_slug="anmeldung")
    clock.now += kept.OFFERING_CACHE_SECONDS
    with django_assert_num_queries(1):
        service_trust_level(municipality=norderstedt, service_slug="anmeldung")


def test_a_service_not_offered_is_kept_as_such(norderstedt, kept, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert service_trust_level(municipality=norderstedt, service_slug="no-such") is None
    with django_assert_num_queries(0):
        assert service_trust_level(municipality=norderstedt, service_slug="no-such") is None


def test_saving_an_offering_or_a_service_takes_effect_at_once(norderstedt, kept):
    assert service_trust_level(municipality=norderstedt, service_slug="anmeldung") is not None
    offering = MunicipalityService.objects.get(municipality=norderstedt, service__slug="anmeldung")
    offering.is_enabled = False
    offering.save(update_fields=["is_enabled"])
    assert service_trust_level(municipality=norderstedt, service_slug="anmeldung") is None
    offering.is_enabled = True
    offering.save(update_fields=["is_enabled"])
    service = Service.objects.get(slug="anmeldung")
    assert service_trust_level(municipality=norderstedt, service_slug="anmeldung") == (
        service.trust_level
    )
    service.trust_level = "basic" if service.trust_level != "basic" else "high"
    service.save(update_fields=["trust_level"])
    assert (
        service_trust_level(municipality=norderstedt, service_slug="anmeldung")
        == service.trust_level
    )
    offering.delete()
    assert service_trust_level(municipality=norderstedt, service_slug="anmeldung") is None
