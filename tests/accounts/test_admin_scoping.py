"""The Django admin shows each municipality's admins only their own town's rows."""

import pytest
from django.urls import reverse

from rathaus.accounts.constants import StaffRole
from rathaus.accounts.models import StaffMembership

from .factories import login_verified, staff_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def nor_admin(norderstedt):
    return staff_create(municipality=norderstedt, role=StaffRole.ADMIN)


@pytest.fixture
def rei_admin(reinbek):
    return staff_create(municipality=reinbek, role=StaffRole.ADMIN)


@pytest.fixture
def nor_clerk(norderstedt):
    return staff_create(municipality=norderstedt, role=StaffRole.CLERK)


def admin_urls_for(*, municipality, membership, user):
    return [
        reverse("admin:tenants_municipality_change", args=[municipality.pk]),
        reverse("admin:accounts_staffmembership_change", args=[membership.pk]),
        reverse("admin:accounts_staffmembership_delete", args=[membership.pk]),
        reverse("admin:accounts_staffmembership_history", args=[membership.pk]),
        reverse("admin:accounts_user_change", args=[user.pk]),
    ]


def test_town_admin_sees_own_town_only_in_lists(rei_client, reinbek, rei_admin, nor_clerk):
    login_verified(rei_client, rei_admin)
    response = rei_client.get(reverse("admin:accounts_staffmembership_changelist"))
    assert response.status_code == 200
    shown = list(response.context["cl"].result_list)
    assert [m.municipality for m in shown] == [reinbek]
    assert nor_clerk.memberships.get() not in shown

    response = rei_client.get(reverse("admin:tenants_municipality_changelist"))
    assert [m.pk for m in response.context["cl"].result_list] == [reinbek.pk]

    response = rei_client.get(reverse("admin:accounts_user_changelist"))
    assert [u.pk for u in response.context["cl"].result_list] == [rei_admin.pk]


def test_reinbek_admin_gets_404_for_every_norderstedt_object(
    rei_client, norderstedt, rei_admin, nor_clerk
):
    login_verified(rei_client, rei_admin)
    membership = nor_clerk.memberships.get()
    for url in admin_urls_for(municipality=norderstedt, membership=membership, user=nor_clerk):
        response = rei_client.get(url)
        assert response.status_code == 404, url
        response = rei_client.post(url, {"role": StaffRole.ADMIN, "post": "yes"})
        assert response.status_code == 404, url
    membership.refresh_from_db()
    assert membership.role == StaffRole.CLERK


def test_reinbek_admin_has_no_access_on_norderstedt_host(nor_client, norderstedt, rei_admin):
    login_verified(nor_client, rei_admin)
    response = nor_client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:staff_login"))
    response = nor_client.get(reverse("admin:tenants_municipality_change", args=[norderstedt.pk]))
    assert response.status_code == 302
    assert norderstedt.name not in response.content.decode()


def test_clerk_cannot_use_admin_models(nor_client, norderstedt, nor_clerk):
    login_verified(nor_client, nor_clerk)
    response = nor_client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert response.context["app_list"] == []
    response = nor_client.get(reverse("admin:tenants_municipality_change", args=[norderstedt.pk]))
    assert response.status_code == 403


def test_admin_edits_own_town_and_membership_scoped(rei_client, reinbek, rei_admin, nor_clerk):
    login_verified(rei_client, rei_admin)
    url = reverse("admin:accounts_staffmembership_add")
    response = rei_client.get(url)
    choices = list(response.context["adminform"].form.fields["user"].queryset)
    assert nor_clerk not in choices
    assert "municipality" not in response.context["adminform"].form.fields

    # A Norderstedt staff member cannot be added to Reinbek by a Reinbek admin.
    response = rei_client.post(url, {"user": nor_clerk.pk, "role": StaffRole.CLERK})
    assert response.status_code == 200
    assert not StaffMembership.objects.filter(user=nor_clerk, municipality=reinbek).exists()


def test_membership_add_sets_municipality(rei_client, reinbek, rei_admin):
    from rathaus.accounts.models import User

    login_verified(rei_client, rei_admin)
    newcomer = User.objects.create_user("neu@example.org", "x" * 12, is_staff=True)
    response = rei_client.post(
        reverse("admin:accounts_staffmembership_add"),
        {"user": newcomer.pk, "role": StaffRole.TEAM_LEAD},
    )
    assert response.status_code == 302
    membership = StaffMembership.objects.get(user=newcomer)
    assert membership.municipality == reinbek
    assert membership.role == StaffRole.TEAM_LEAD


def test_admin_without_verified_totp_is_sent_to_staff_login(rei_client, rei_admin):
    rei_client.force_login(rei_admin)
    response = rei_client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:staff_login"))


def test_reinbek_clerk_has_no_access_to_norderstedt_rows(rei_client, reinbek, norderstedt):
    rei_clerk = staff_create(municipality=reinbek, role=StaffRole.CLERK)
    nor_clerk = staff_create(municipality=norderstedt, role=StaffRole.CLERK)
    login_verified(rei_client, rei_clerk)
    membership = nor_clerk.memberships.get()
    for url in admin_urls_for(municipality=norderstedt, membership=membership, user=nor_clerk):
        response = rei_client.get(url)
        assert response.status_code in (403, 404), url
        assert norderstedt.name not in response.content.decode()


def test_superuser_sees_the_hosts_town_only(rei_client, reinbek, norderstedt):
    from rathaus.accounts.models import TOTPDevice, User

    root = User.objects.create_superuser("root@example.org", "x" * 12)
    TOTPDevice.objects.create(user=root, name="d", confirmed=True)
    login_verified(rei_client, root)
    response = rei_client.get(reverse("admin:tenants_municipality_changelist"))
    assert [m.pk for m in response.context["cl"].result_list] == [reinbek.pk]
    response = rei_client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 200
