"""No choice list of a town's admin names another town's rows: list filters and form choices."""

import pytest
from django.contrib import admin
from django.urls import reverse

from rathaus.accounts.admin_scope import MunicipalityScopedAdmin
from rathaus.accounts.constants import StaffRole
from tests.accounts.factories import login_verified, staff_create

from .conftest import office_make

pytestmark = pytest.mark.django_db

FOREIGN_NAME = "Reinbeker Geheimamt"


def _foreign_office(reinbek):
    office = office_make(reinbek, slug="geheimamt")
    office.name = FOREIGN_NAME
    office.save(update_fields=["name"])
    return office


def test_no_scoped_admin_page_offers_the_other_towns_rows(nor_client, norderstedt, reinbek):
    office_make(norderstedt)
    _foreign_office(reinbek)
    login_verified(nor_client, staff_create(municipality=norderstedt, role=StaffRole.ADMIN))
    scoped = [
        model
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, MunicipalityScopedAdmin)
    ]
    assert len(scoped) > 5
    checked = 0
    for model in scoped:
        info = (model._meta.app_label, model._meta.model_name)
        for view in ("changelist", "add"):
            response = nor_client.get(reverse(f"admin:{info[0]}_{info[1]}_{view}"))
            if response.status_code == 403:  # e.g. read-only models have no add page
                continue
            assert response.status_code == 200, (model, view)
            assert FOREIGN_NAME not in response.content.decode(), (model, view)
            checked += 1
    assert checked > len(scoped)


def test_office_filter_lists_the_own_offices(nor_client, norderstedt, reinbek):
    own = office_make(norderstedt)
    office_make(norderstedt, slug="zweites")  # a filter with one choice is not shown
    _foreign_office(reinbek)
    login_verified(nor_client, staff_create(municipality=norderstedt, role=StaffRole.ADMIN))
    response = nor_client.get(reverse("admin:appointments_booking_changelist"))
    choices = [
        choice["display"]
        for spec in response.context["cl"].filter_specs
        for choice in spec.choices(response.context["cl"])
    ]
    assert own.name in choices
    assert FOREIGN_NAME not in choices
