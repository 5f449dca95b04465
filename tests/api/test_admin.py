"""API tokens in the admin: per municipality, the clear token shown once, revoking is final."""

import re

import pytest
from django.urls import reverse

from rathaus.accounts.constants import StaffRole
from rathaus.api import services
from rathaus.api.models import ApiToken
from rathaus.core.models import AuditEvent
from tests.accounts.factories import login_verified, staff_create

from .conftest import NOR_HOST, REI_HOST, ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def nor_admin(norderstedt):
    return staff_create(municipality=norderstedt, role=StaffRole.ADMIN)


@pytest.fixture
def admin_client(nor_client, nor_admin):
    login_verified(nor_client, nor_admin)
    return nor_client


def test_admin_creates_a_token_and_shows_it_once(admin_client, nor_admin, clerk):
    response = admin_client.post(
        reverse("admin:api_apitoken_add"), {"name": "Fachverfahren", "acting_user": clerk.pk}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get()
    shown = re.findall(r'value="(rth_[^"]+)"', response.content.decode())
    assert len(shown) == 1
    clear = services.token_parse(shown[0])
    assert clear is not None and clear[0] == token.prefix
    clear_token = f"rth_{clear[0]}_{clear[1]}"
    assert (token.name, token.acting_user, token.created_by) == ("Fachverfahren", clerk, nor_admin)
    assert token.municipality.slug == "norderstedt"
    assert AuditEvent.objects.filter(action="api.token_created", target_id=str(token.pk)).exists()

    # The token works …
    assert ApiClient(NOR_HOST, clear_token).get("/cases").status_code == 200
    # … and no later page shows it again.
    for url in (
        reverse("admin:api_apitoken_change", args=[token.pk]),
        reverse("admin:api_apitoken_changelist"),
        reverse("admin:api_apitoken_history", args=[token.pk]),
        reverse("admin:index"),
    ):
        page = admin_client.get(url)
        assert page.status_code == 200, url
        assert clear[1] not in page.content.decode(), url
    assert (
        token.prefix in admin_client.get(reverse("admin:api_apitoken_changelist")).content.decode()
    )


def test_acting_user_choices_are_the_towns_staff_only(admin_client, clerk, rei_clerk, citizen):
    response = admin_client.get(reverse("admin:api_apitoken_add"))
    choices = set(response.context["adminform"].form.fields["acting_user"].queryset)
    assert clerk in choices
    assert rei_clerk not in choices and citizen not in choices
    refused = admin_client.post(
        reverse("admin:api_apitoken_add"), {"name": "x", "acting_user": rei_clerk.pk}
    )
    assert refused.status_code == 200 and refused.context["adminform"].form.errors
    assert not ApiToken.objects.exists()


def test_revoking_in_the_admin_is_final(admin_client, nor_token):
    token, clear = nor_token
    url = reverse("admin:api_apitoken_change", args=[token.pk])
    response = admin_client.post(url, {"name": "Fachverfahren alt", "revoked": "on"})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked and token.revoked_at is not None and token.name == "Fachverfahren alt"
    assert ApiClient(NOR_HOST, clear).get("/cases").status_code == 401
    # The revoked flag is read-only now: the token cannot be brought back.
    admin_client.post(url, {"name": "Fachverfahren alt"})
    token.refresh_from_db()
    assert token.revoked


def test_revoke_action_and_no_deleting(admin_client, nor_token):
    token, _clear = nor_token
    changelist = reverse("admin:api_apitoken_changelist")
    response = admin_client.post(
        changelist, {"action": "revoke_selected", "_selected_action": [token.pk]}, follow=True
    )
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked
    action_field = admin_client.get(changelist).context["action_form"].fields["action"]
    assert "delete_selected" not in {name for name, _label in action_field.choices}
    delete = admin_client.get(reverse("admin:api_apitoken_delete", args=[token.pk]))
    assert delete.status_code == 403


def test_another_towns_admin_sees_nothing(rei_client, reinbek, nor_token):
    token, _clear = nor_token
    rei_admin = staff_create(municipality=reinbek, role=StaffRole.ADMIN)
    login_verified(rei_client, rei_admin)
    listing = rei_client.get(reverse("admin:api_apitoken_changelist"), HTTP_HOST=REI_HOST)
    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == []
    change = rei_client.get(reverse("admin:api_apitoken_change", args=[token.pk]))
    assert change.status_code == 404


def test_a_clerk_cannot_manage_tokens(nor_client, clerk):
    login_verified(nor_client, clerk)
    response = nor_client.get(reverse("admin:api_apitoken_add"))
    assert response.status_code in (302, 403)
    assert not ApiToken.objects.exists()
