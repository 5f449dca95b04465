"""The set-up admin shows and edits the own town's offices only."""

import pytest
from django.urls import reverse

from rathaus.accounts.constants import StaffRole
from rathaus.appointments.models import Office
from tests.accounts.factories import login_verified, staff_create

pytestmark = pytest.mark.django_db


def test_town_admin_sees_and_edits_only_own_offices(nor_client, norderstedt, office, rei_office):
    admin_user = staff_create(municipality=norderstedt, role=StaffRole.ADMIN)
    login_verified(nor_client, admin_user)
    listing = nor_client.get(reverse("admin:appointments_office_changelist"))
    assert listing.status_code == 200
    assert office.name.encode() in listing.content
    assert rei_office.name.encode() not in listing.content
    own = nor_client.get(reverse("admin:appointments_office_change", args=[office.pk]))
    assert own.status_code == 200
    foreign = nor_client.get(reverse("admin:appointments_office_change", args=[rei_office.pk]))
    assert foreign.status_code == 404
    bookings = nor_client.get(reverse("admin:appointments_booking_changelist"))
    assert bookings.status_code == 200


def test_a_clerk_cannot_change_the_set_up(nor_client, norderstedt, office):
    clerk = staff_create(municipality=norderstedt)
    login_verified(nor_client, clerk)
    url = reverse("admin:appointments_office_change", args=[office.pk])
    assert nor_client.get(url).status_code in (302, 403, 404)
    changed = nor_client.post(url, {"name": "Renamed", "slug": office.slug})
    assert changed.status_code in (302, 403, 404)
    assert Office.objects.get(pk=office.pk).name == office.name
