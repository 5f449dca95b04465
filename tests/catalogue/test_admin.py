"""Admin: the shared catalogue is for superusers; each town edits only its own offerings."""

import pytest
from django.urls import reverse

from rathaus.accounts.constants import StaffRole
from rathaus.accounts.models import TOTPDevice, User
from rathaus.catalogue.models import MunicipalityService, Service
from tests.accounts.factories import PASSWORD, login_verified, staff_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def rei_admin(catalogue):
    _norderstedt, reinbek = catalogue
    return staff_create(municipality=reinbek, role=StaffRole.ADMIN)


@pytest.fixture
def superuser(catalogue):
    user = User.objects.create_superuser("root@example.org", PASSWORD)
    TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    return user


def _offering(town, slug):
    return MunicipalityService.objects.get(municipality=town, service__slug=slug)


def test_town_admin_lists_only_own_offerings(catalogue, rei_client, rei_admin):
    _norderstedt, reinbek = catalogue
    login_verified(rei_client, rei_admin)
    response = rei_client.get(reverse("admin:catalogue_municipalityservice_changelist"))
    assert response.status_code == 200
    shown = list(response.context["cl"].result_list)
    assert shown and {o.municipality_id for o in shown} == {reinbek.pk}


def test_town_admin_gets_404_for_other_towns_offering(catalogue, rei_client, rei_admin):
    norderstedt, _reinbek = catalogue
    login_verified(rei_client, rei_admin)
    other = _offering(norderstedt, "meldebescheinigung")
    url = reverse("admin:catalogue_municipalityservice_change", args=[other.pk])
    assert rei_client.get(url).status_code == 404


def test_town_admin_sets_a_local_fee(catalogue, rei_client, rei_admin):
    norderstedt, reinbek = catalogue
    login_verified(rei_client, rei_admin)
    offering = _offering(reinbek, "meldebescheinigung")
    url = reverse("admin:catalogue_municipalityservice_change", args=[offering.pk])
    data = {
        "service": offering.service_id,
        "is_enabled": "on",
        "fee_override": '{"kind": "fixed", "amount": "9.00"}',
        "name_override": "",
        "summary_override": "",
        "description_override": "",
    }
    response = rei_client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    offering.refresh_from_db()
    assert offering.fee_override == {"kind": "fixed", "amount": "9.00"}
    assert offering.municipality == reinbek
    assert _offering(norderstedt, "meldebescheinigung").fee_override == {
        "kind": "fixed",
        "amount": "7.50",
    }

    data["fee_override"] = '{"kind": "fixed", "amount": "neun"}'
    response = rei_client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["fee_override"]


def test_catalogue_itself_is_superuser_only(catalogue, rei_client, rei_admin, superuser):
    service = Service.objects.get(slug="fuehrungszeugnis")
    urls = [
        reverse("admin:catalogue_service_changelist"),
        reverse("admin:catalogue_service_change", args=[service.pk]),
        reverse("admin:catalogue_lifesituation_changelist"),
    ]
    login_verified(rei_client, rei_admin)
    for url in urls:
        assert rei_client.get(url).status_code in (403, 404), url
    login_verified(rei_client, superuser)
    for url in urls:
        assert rei_client.get(url).status_code == 200, url
