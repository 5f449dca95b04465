"""The citizen's own account: profile, 2FA, deletion, isolation, encryption, idle sessions."""

import datetime
import time

import pytest
from django.db import connection
from django.urls import reverse

from rathaus.accounts.constants import SESSION_LAST_SEEN
from rathaus.accounts.models import TOTPDevice, User
from rathaus.accounts.services import totp_token_now

from .factories import PASSWORD, citizen_create

pytestmark = pytest.mark.django_db

OWN_PAGES = [
    "accounts:profile",
    "accounts:profile_edit",
    "accounts:totp_setup",
    "accounts:totp_remove",
    "accounts:delete",
]


def test_account_pages_need_login(nor_client, norderstedt):
    for name in OWN_PAGES:
        response = nor_client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("accounts:login"))


def test_nothing_of_another_citizen_leaks(nor_client, norderstedt):
    """Account URLs carry no user id: whatever A requests, B's data never shows."""
    citizen_create(
        email="a@example.org", given_name="Anton", family_name="Alpha", street="Amselweg 1"
    )
    citizen_create(
        email="b@example.org",
        given_name="Berta",
        family_name="Bravo",
        street="Birkenweg 2",
        phone="0170 999888",
        birth_date=datetime.date(1970, 1, 2),
    )
    nor_client.post(reverse("accounts:login"), {"email": "a@example.org", "password": PASSWORD})
    for name in OWN_PAGES:
        body = nor_client.get(reverse(name)).content.decode()
        for secret in ["Berta", "Bravo", "Birkenweg", "0170 999888", "b@example.org", "02.01.1970"]:
            assert secret not in body, (name, secret)
    assert "Anton" in nor_client.get(reverse("accounts:profile")).content.decode()
    # Editing changes only the logged-in user, whatever is posted.
    nor_client.post(
        reverse("accounts:profile_edit"),
        {"given_name": "Anton", "family_name": "Alpha", "preferred_language": "de", "id": 999},
    )
    assert User.objects.get(pk=_pk("b")).given_name == "Berta"


def _pk(prefix):
    from rathaus.accounts.models import email_digest

    return User.objects.get(email_digest=email_digest(f"{prefix}@example.org")).pk


def test_profile_change(nor_client, norderstedt):
    user = citizen_create(email="a@example.org")
    nor_client.force_login(user)
    data = {
        "given_name": "Erika",
        "family_name": "Musterfrau",
        "birth_date": "17.05.1981",
        "street": "Rathausallee 1",
        "postal_code": "22846",
        "city": "Norderstedt",
        "phone": "040 1111",
        "preferred_language": "en",
    }
    response = nor_client.post(reverse("accounts:profile_edit"), data)
    assert response["Location"] == reverse("accounts:profile")
    user.refresh_from_db()
    assert user.family_name == "Musterfrau"
    assert user.birth_date == datetime.date(1981, 5, 17)
    assert user.city == "Norderstedt"
    assert user.preferred_language == "en"
    assert response.cookies["django_language"].value == "en"


def test_profile_change_errors(nor_client, norderstedt):
    user = citizen_create(email="a@example.org")
    nor_client.force_login(user)
    response = nor_client.post(
        reverse("accounts:profile_edit"),
        {
            "given_name": "",
            "family_name": "X",
            "birth_date": "31.02.1980",
            "preferred_language": "de",
        },
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"given_name", "birth_date"}
    user.refresh_from_db()
    assert user.family_name == "Mustermann"


def test_account_deletion_needs_password_and_ends_session(nor_client, norderstedt):
    user = citizen_create(email="a@example.org")
    nor_client.post(reverse("accounts:login"), {"email": "a@example.org", "password": PASSWORD})
    response = nor_client.post(reverse("accounts:delete"), {"password": "wrong-password"})
    assert response.status_code == 200
    assert User.objects.filter(pk=user.pk).exists()

    response = nor_client.post(reverse("accounts:delete"), {"password": PASSWORD})
    assert response["Location"] == reverse("accounts:delete_done")
    assert not User.objects.filter(pk=user.pk).exists()
    assert "_auth_user_id" not in nor_client.session
    assert nor_client.get(reverse("accounts:profile")).status_code == 302


def test_names_are_encrypted_in_the_database(norderstedt):
    user = citizen_create(
        email="geheim@example.org", given_name="Hieronymus", family_name="Zwiebelmann"
    )
    table = User._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT given_name, family_name, email, street, birth_date FROM {table} WHERE id = %s",
            [user.pk],
        )
        row = cursor.fetchone()
    raw = " ".join(str(value) for value in row)
    assert "Hieronymus" not in raw
    assert "Zwiebelmann" not in raw
    assert "geheim@example.org" not in raw
    assert "1980-05-17" not in raw
    assert row[0].startswith("t1$")


def test_citizen_totp_setup_and_login_with_code(nor_client, norderstedt):
    user = citizen_create(email="a@example.org")
    nor_client.force_login(user)
    response = nor_client.get(reverse("accounts:totp_setup"))
    body = response.content.decode()
    assert "<svg" in body
    assert "style=" not in body
    secret_key = nor_client.session["rathaus_totp_setup_key"]

    response = nor_client.post(reverse("accounts:totp_setup"), {"code": "000000"})
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=user).exists()

    response = nor_client.post(reverse("accounts:totp_setup"), {"code": totp_token_now(secret_key)})
    assert response["Location"] == reverse("accounts:profile")
    assert TOTPDevice.objects.get(user=user).confirmed

    nor_client.post(reverse("accounts:logout"))
    response = nor_client.post(
        reverse("accounts:login"), {"email": "a@example.org", "password": PASSWORD}
    )
    assert response["Location"] == reverse("accounts:login_code")
    assert "_auth_user_id" not in nor_client.session

    response = nor_client.post(reverse("accounts:totp_remove"), {"password": PASSWORD})
    assert response.status_code == 302  # not logged in yet: to the login page
    assert TOTPDevice.objects.filter(user=user).exists()


def test_citizen_can_switch_totp_off_with_password(nor_client, norderstedt):
    user = citizen_create(email="a@example.org")
    TOTPDevice.objects.create(user=user, name="x", confirmed=True)
    nor_client.force_login(user)
    nor_client.post(reverse("accounts:totp_remove"), {"password": "wrong-one"})
    assert TOTPDevice.objects.filter(user=user).exists()
    nor_client.post(reverse("accounts:totp_remove"), {"password": PASSWORD})
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_idle_session_expires(nor_client, norderstedt, settings):
    settings.SESSION_IDLE_TIMEOUT = 60
    user = citizen_create(email="a@example.org")
    nor_client.post(reverse("accounts:login"), {"email": "a@example.org", "password": PASSWORD})
    assert nor_client.get(reverse("accounts:profile")).status_code == 200

    session = nor_client.session
    session[SESSION_LAST_SEEN] = int(time.time()) - 30
    session.save()
    assert nor_client.get(reverse("accounts:profile")).status_code == 200

    session = nor_client.session
    session[SESSION_LAST_SEEN] = int(time.time()) - 61
    session.save()
    response = nor_client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert "_auth_user_id" not in nor_client.session
    response = nor_client.get(response["Location"])
    assert response.context["expired"] is True
    assert user.pk  # the account itself stays
