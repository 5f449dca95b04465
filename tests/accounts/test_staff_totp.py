"""Staff log in with password and TOTP code only; the back-office decorator checks roles."""

import pytest
from django.db import connection
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rathaus.accounts.constants import StaffRole
from rathaus.accounts.decorators import staff_required
from rathaus.accounts.models import TOTPDevice
from rathaus.accounts.selectors import staff_membership_for
from rathaus.accounts.services import totp_token_now
from rathaus.cases.selectors import is_staff_of

from .factories import PASSWORD, login_verified, staff_create

pytestmark = pytest.mark.django_db


def test_staff_needs_password_then_code(nor_client, norderstedt):
    clerk = staff_create(municipality=norderstedt, email="clerk@example.org")
    response = nor_client.post(
        reverse("accounts:staff_login"), {"email": "clerk@example.org", "password": PASSWORD}
    )
    assert response["Location"] == reverse("accounts:login_code")
    assert "_auth_user_id" not in nor_client.session

    response = nor_client.post(reverse("accounts:login_code"), {"code": "000000"})
    assert response.status_code == 200
    assert "_auth_user_id" not in nor_client.session

    device = TOTPDevice.objects.get(user=clerk)
    # django-otp adds its own growing delay after a wrong code; skip the wait.
    device.throttle_reset()
    response = nor_client.post(reverse("accounts:login_code"), {"code": totp_token_now(device.key)})
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:inbox")  # staff land in their inbox
    assert int(nor_client.session["_auth_user_id"]) == clerk.pk
    assert nor_client.get(reverse("admin:index")).status_code == 200


def test_staff_on_citizen_login_also_needs_code(nor_client, norderstedt):
    staff_create(municipality=norderstedt, email="clerk@example.org")
    response = nor_client.post(
        reverse("accounts:login"), {"email": "clerk@example.org", "password": PASSWORD}
    )
    assert response["Location"] == reverse("accounts:login_code")
    assert "_auth_user_id" not in nor_client.session


def test_staff_without_confirmed_device_cannot_log_in(nor_client, norderstedt):
    clerk = staff_create(municipality=norderstedt, email="clerk@example.org")
    TOTPDevice.objects.filter(user=clerk).update(confirmed=False)
    response = nor_client.post(
        reverse("accounts:staff_login"), {"email": "clerk@example.org", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in nor_client.session
    assert "TOTP" in response.content.decode()
    assert nor_client.get(reverse("accounts:login_code")).status_code == 302


def test_code_step_without_password_step_is_refused(nor_client, norderstedt):
    response = nor_client.post(reverse("accounts:login_code"), {"code": "123456"})
    assert response["Location"] == reverse("accounts:login")


def _view(request):
    return HttpResponse(f"ok {request.staff_membership.role}")


def _request(user, municipality, *, verified=True):
    request = RequestFactory().get("/verwaltung/x/")
    request.user = user
    request.municipality = municipality
    if verified:
        user.otp_device = TOTPDevice.objects.get(user=user)
    user.is_verified = lambda: verified
    return request


def test_staff_required_roles_and_towns(norderstedt, reinbek):
    nor_clerk = staff_create(municipality=norderstedt, role=StaffRole.CLERK)
    nor_admin = staff_create(municipality=norderstedt, role=StaffRole.ADMIN)
    rei_admin = staff_create(municipality=reinbek, role=StaffRole.ADMIN)

    assert staff_required()(_view)(_request(nor_clerk, norderstedt)).content == b"ok clerk"
    assert staff_required(StaffRole.TEAM_LEAD)(_view)(_request(nor_admin, norderstedt))
    with pytest.raises(Http404):
        staff_required(StaffRole.TEAM_LEAD)(_view)(_request(nor_clerk, norderstedt))
    with pytest.raises(Http404):
        staff_required()(_view)(_request(rei_admin, norderstedt))
    response = staff_required()(_view)(_request(nor_clerk, norderstedt, verified=False))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:staff_login"))


def test_staff_required_redirects_anonymous(norderstedt):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/verwaltung/x/")
    request.user = AnonymousUser()
    request.municipality = norderstedt
    response = staff_required()(_view)(request)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:staff_login"))


def test_verified_staff_session_reaches_admin(rei_client, reinbek):
    admin = staff_create(municipality=reinbek, role=StaffRole.ADMIN)
    login_verified(rei_client, admin)
    response = rei_client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "StaffMembership" in str(response.context["app_list"]) or response.context["app_list"]


def test_code_step_while_throttled_says_so_and_checks_no_code(nor_client, norderstedt, settings):
    settings.LOGIN_THROTTLE_FREE_PER_PAIR = 2
    clerk = staff_create(municipality=norderstedt, email="clerk@example.org")
    nor_client.post(
        reverse("accounts:staff_login"), {"email": "clerk@example.org", "password": PASSWORD}
    )
    device = TOTPDevice.objects.get(user=clerk)
    for _ in range(2):
        wrong = nor_client.post(reverse("accounts:login_code"), {"code": "000000"})
        assert "Der Code ist falsch" in wrong.content.decode()
        device.throttle_reset()
    # Now even the right code is refused, with the throttle message, not "wrong code".
    response = nor_client.post(
        reverse("accounts:login_code"),
        {"code": totp_token_now(device.key)},
        HTTP_ACCEPT_LANGUAGE="de",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Zu viele Fehlversuche" in body and "Der Code ist falsch" not in body
    assert "_auth_user_id" not in nor_client.session


def test_the_view_reuses_the_checked_membership_only_for_its_own_request(norderstedt, reinbek):
    clerk = staff_create(municipality=norderstedt)
    seen = {}

    def view(request):
        with CaptureQueriesContext(connection) as captured:
            seen["own town"] = is_staff_of(actor=request.user, municipality=norderstedt)
        seen["own town queries"] = len(captured.captured_queries)
        seen["other town"] = is_staff_of(actor=request.user, municipality=reinbek)
        return HttpResponse("ok")

    staff_required()(view)(_request(clerk, norderstedt))
    assert seen == {"own town": True, "own town queries": 0, "other town": False}

    # After the view the membership is read again: a removed one no longer counts.
    clerk.memberships.all().delete()
    assert is_staff_of(actor=clerk, municipality=norderstedt) is False
    with pytest.raises(Http404):
        staff_required()(view)(_request(clerk, norderstedt))


def test_staff_membership_is_read_in_one_query_with_the_town_passed_in(norderstedt, reinbek):
    lead = staff_create(municipality=norderstedt, role=StaffRole.TEAM_LEAD)
    with CaptureQueriesContext(connection) as captured:
        membership = staff_membership_for(user=lead, municipality=norderstedt)
        assert membership.municipality is norderstedt
        assert membership.role == StaffRole.TEAM_LEAD
    assert len(captured.captured_queries) == 1
    assert staff_membership_for(user=lead, municipality=reinbek) is None


@pytest.mark.django_db
def test_totp_seed_is_encrypted_at_rest(norderstedt):
    from django.db import connection

    from rathaus.accounts.models import TOTPDevice

    user = staff_create(municipality=norderstedt)
    device = TOTPDevice.objects.get(user=user)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key FROM {TOTPDevice._meta.db_table} WHERE id = %s", [device.pk])
        stored = cursor.fetchone()[0]
    assert device.key not in stored
    assert stored.startswith("t1$")
    assert device.verify_token(totp_token_now(device.key))
    # A code is accepted once only.
    device.refresh_from_db()
    assert not device.verify_token(totp_token_now(device.key))


def test_superuser_enrols_an_authenticator_app_in_the_admin(nor_client, norderstedt):
    superuser = staff_create(municipality=norderstedt, role=StaffRole.ADMIN)
    superuser.is_superuser = True
    superuser.save()
    clerk = staff_create(municipality=norderstedt)
    device = TOTPDevice.objects.get(user=clerk)
    login_verified(nor_client, superuser)
    page = nor_client.get(reverse("admin:accounts_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200
    assert "<svg" in page.content.decode() and device.key not in page.content.decode()


def test_a_town_admin_cannot_see_authenticator_apps(nor_client, norderstedt):
    town_admin = staff_create(municipality=norderstedt, role=StaffRole.ADMIN)
    login_verified(nor_client, town_admin)
    device = TOTPDevice.objects.get(user=town_admin)
    page = nor_client.get(reverse("admin:accounts_totpdevice_change", args=[device.pk]))
    assert page.status_code in (302, 403, 404)
