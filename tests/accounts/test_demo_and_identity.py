"""Demo accounts, the demo BundID (trust level high) and require_trust_level."""

import datetime

import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import reverse

from rathaus.accounts import demo
from rathaus.accounts.constants import (
    SESSION_IDENTITY_PROVIDER,
    SESSION_TRUST_LEVEL,
    StaffRole,
    TrustLevel,
)
from rathaus.accounts.decorators import require_trust_level
from rathaus.accounts.models import StaffMembership, TOTPDevice, User, email_digest
from rathaus.accounts.services import totp_token_now

from .factories import citizen_create, staff_create

pytestmark = pytest.mark.django_db


def test_demo_load_is_idempotent_and_complete(towns):
    demo.load()
    demo.load()
    for town in towns:
        roles = set(
            StaffMembership.objects.filter(municipality=town).values_list("role", flat=True)
        )
        assert roles == {StaffRole.CLERK, StaffRole.TEAM_LEAD, StaffRole.ADMIN}
    assert User.objects.filter(is_staff=True).count() == 6
    # Staff and the member of the demo landlord organisation log in with a second factor.
    assert TOTPDevice.objects.filter(confirmed=True, user__is_staff=True).count() == 6
    assert TOTPDevice.objects.filter(confirmed=True).count() == 6 + len(
        demo.DEMO_LANDLORD_ORGANISATIONS
    )
    citizens = demo.demo_citizens()
    assert [c.full_name for c in citizens][:2] == ["Erika Mustermann", "Max Mustermann"]
    assert any(c.birth_date.year >= 2003 for c in citizens)  # someone under 24
    assert {c.city for c in citizens} >= {"Norderstedt", "Reinbek"}
    lines = "\n".join(demo.login_lines(host="127.0.0.1", port="8000"))
    assert "erika.mustermann@example.org" in lines
    assert demo.CITIZEN_PASSWORD in lines and demo.STAFF_PASSWORD in lines
    assert "TOTP secret" in lines


def test_demo_staff_log_in_with_printed_secret(nor_client, towns):
    demo.load()
    _slug, _role, email, key = demo.demo_staff_devices()[0]
    response = nor_client.post(
        reverse("accounts:staff_login"), {"email": email, "password": demo.STAFF_PASSWORD}
    )
    assert response["Location"] == reverse("accounts:login_code")
    response = nor_client.post(reverse("accounts:login_code"), {"code": totp_token_now(key)})
    assert response.status_code == 302
    assert nor_client.get(reverse("admin:index")).status_code == 200


def test_demo_totp_page_shows_current_codes(nor_client, towns):
    demo.load()
    response = nor_client.get(reverse("accounts:demo_totp"))
    assert response.status_code == 200
    body = response.content.decode()
    for _slug, _role, email, _key in demo.demo_staff_devices():
        assert email in body
    assert any(totp_token_now(key) in body for *_rest, key in demo.demo_staff_devices())


def test_demo_bundid_logs_in_with_trust_level_high(nor_client, towns):
    demo.load()
    erika = demo.demo_citizens()[0]
    response = nor_client.get(reverse("accounts:demo_bundid"))
    assert response.status_code == 200
    assert "Erika Mustermann" in response.content.decode()
    response = nor_client.post(
        reverse("accounts:demo_bundid"), {"resident": erika.pk, "next": "/konto/daten/"}
    )
    assert response["Location"] == "/konto/daten/"
    assert int(nor_client.session["_auth_user_id"]) == erika.pk
    assert nor_client.session[SESSION_TRUST_LEVEL] == TrustLevel.HIGH
    assert nor_client.session[SESSION_IDENTITY_PROVIDER] == "demo_bundid"


def test_demo_bundid_vouches_for_the_card_data_not_the_profile(nor_client, towns):
    """The identity an eID login records comes from the provider (the demo's fixed card data);
    a profile renamed beforehand does not become "verified", and a later profile edit leaves the
    verified identity as it was."""
    demo.load()
    erika = demo.demo_citizens()[0]
    assert erika.verified_identity is None  # a password account vouches for nothing
    erika.given_name, erika.birth_date = "Hanna", datetime.date(1970, 1, 1)
    erika.save()
    nor_client.post(reverse("accounts:demo_bundid"), {"resident": erika.pk})
    erika.refresh_from_db()
    assert erika.verified_identity.given_names == "Erika"
    assert erika.verified_identity.birth_date == datetime.date(1964, 8, 12)
    assert erika.identity_verified_at is not None


def test_demo_bundid_cannot_log_in_staff_or_other_users(nor_client, towns):
    demo.load()
    staff = User.objects.get(email_digest=email_digest(demo.DEMO_STAFF[2][2]))
    other = citizen_create(email="real@example.org")
    for pk in (staff.pk, other.pk):
        nor_client.post(reverse("accounts:demo_bundid"), {"resident": pk})
        assert "_auth_user_id" not in nor_client.session


def test_demo_bundid_open_redirect_is_refused(nor_client, towns):
    demo.load()
    erika = demo.demo_citizens()[0]
    response = nor_client.post(
        reverse("accounts:demo_bundid"), {"resident": erika.pk, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("accounts:profile")


@override_settings(RATHAUS_DEMO=False)
def test_demo_pages_are_404_when_demo_is_off(nor_client, towns):
    demo.load()
    erika = demo.demo_citizens()[0]
    assert nor_client.get(reverse("accounts:demo_bundid")).status_code == 404
    assert (
        nor_client.post(reverse("accounts:demo_bundid"), {"resident": erika.pk}).status_code == 404
    )
    assert "_auth_user_id" not in nor_client.session
    assert nor_client.get(reverse("accounts:demo_totp")).status_code == 404
    # And the provider is not offered.
    response = nor_client.get(reverse("accounts:identify"))
    assert response.context["providers"] == []


def _procedure(request):
    return HttpResponse("procedure")


def test_require_trust_level(nor_client, towns, rf):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore

    view = require_trust_level(TrustLevel.HIGH)(_procedure)
    request = rf.get("/anliegen/anmeldung/")
    request.user = AnonymousUser()
    request.session = SessionStore()
    assert view(request)["Location"].startswith(reverse("accounts:login"))

    request.user = citizen_create(email="a@example.org")
    request.session[SESSION_TRUST_LEVEL] = TrustLevel.BASIC
    response = view(request)
    assert response["Location"].startswith(reverse("accounts:identify"))
    assert "next=%2Fanliegen%2Fanmeldung%2F" in response["Location"]

    request.session[SESSION_TRUST_LEVEL] = TrustLevel.HIGH
    assert view(request).content == b"procedure"
    assert require_trust_level(TrustLevel.SUBSTANTIAL)(_procedure)(request).status_code == 200


def test_identify_page_offers_demo_bundid(nor_client, towns):
    user = citizen_create(email="a@example.org")
    nor_client.force_login(user)
    response = nor_client.get(reverse("accounts:identify"), {"next": "/anliegen/x/"})
    assert reverse("accounts:demo_bundid") in response.content.decode()


def test_staff_factory_sanity(norderstedt):
    # The helper used across these tests creates a confirmed device and one membership.
    user = staff_create(municipality=norderstedt)
    assert user.memberships.count() == 1
    assert TOTPDevice.objects.get(user=user).confirmed
