"""Password reset end to end, and login throttling per account and per client address."""

import pytest
from django.test import override_settings
from django.urls import reverse

from rathaus.notifications.models import OutboxMessage

from .factories import PASSWORD, citizen_create

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "neues-Passwort-Sonne-42"


def test_password_reset_end_to_end(
    nor_client, norderstedt, django_capture_on_commit_callbacks, outbox_link
):
    user = citizen_create(email="erika@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = nor_client.post(
            reverse("accounts:password_reset"), {"email": "erika@example.org"}
        )
    assert response["Location"] == reverse("accounts:password_reset_done")
    message = OutboxMessage.objects.get()
    assert "Erika" not in message.body

    link = outbox_link(subject=message.subject)
    response = nor_client.get(link, follow=True)
    assert response.status_code == 200
    assert response.context["validlink"] is True
    set_url = response.redirect_chain[-1][0]
    response = nor_client.post(
        set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response["Location"] == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)

    # The link works once only.
    response = nor_client.get(link, follow=True)
    assert response.context["validlink"] is False

    response = nor_client.post(
        reverse("accounts:login"), {"email": "erika@example.org", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302


def test_password_reset_for_unknown_address_looks_the_same(
    nor_client, norderstedt, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = nor_client.post(
            reverse("accounts:password_reset"), {"email": "nobody@example.org"}
        )
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert not OutboxMessage.objects.exists()


def _login(client, email, password, ip="10.0.0.1"):
    return client.post(
        reverse("accounts:login"), {"email": email, "password": password}, REMOTE_ADDR=ip
    )


@override_settings(LOGIN_THROTTLE_MAX_PER_ACCOUNT=3, LOGIN_THROTTLE_MAX_PER_IP=100)
def test_throttle_per_account(nor_client, norderstedt):
    citizen_create(email="erika@example.org")
    for attempt in range(3):
        response = _login(nor_client, "erika@example.org", "wrong", ip=f"10.0.0.{attempt}")
        assert "Too many" not in str(response.context["form"].non_field_errors())
    # Even the right password is refused now, from any address, with a clear message.
    response = _login(nor_client, "erika@example.org", PASSWORD, ip="10.9.9.9")
    assert response.status_code == 200
    assert "_auth_user_id" not in nor_client.session
    body = response.content.decode()
    assert "Zu viele" in body or "Too many" in body
    assert response.context["form"]["email"].value() == "erika@example.org"
    # Another account is not affected.
    citizen_create(email="max@example.org")
    assert _login(nor_client, "max@example.org", PASSWORD, ip="10.9.9.9").status_code == 302


@override_settings(LOGIN_THROTTLE_MAX_PER_ACCOUNT=100, LOGIN_THROTTLE_MAX_PER_IP=4)
def test_throttle_per_ip(nor_client, norderstedt):
    citizen_create(email="erika@example.org")
    for number in range(4):
        _login(nor_client, f"guess{number}@example.org", "wrong", ip="10.1.1.1")
    response = _login(nor_client, "erika@example.org", PASSWORD, ip="10.1.1.1")
    assert response.status_code == 200
    assert "_auth_user_id" not in nor_client.session
    assert response.context["form"]["email"].value() == "erika@example.org"
    # The same account from another address still works.
    assert _login(nor_client, "erika@example.org", PASSWORD, ip="10.2.2.2").status_code == 302


@override_settings(LOGIN_THROTTLE_MAX_PER_ACCOUNT=2, LOGIN_THROTTLE_MAX_PER_IP=100)
def test_throttle_message_is_translated(nor_client, norderstedt):
    citizen_create(email="erika@example.org")
    _login(nor_client, "erika@example.org", "wrong")
    _login(nor_client, "erika@example.org", "wrong")
    response = nor_client.post(
        reverse("accounts:login"),
        {"email": "erika@example.org", "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert "Zu viele Fehlversuche" in response.content.decode()
