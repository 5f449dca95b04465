"""Registration, e-mail verification, login and logout through HTTP and the outbox."""

import pytest
from django.urls import reverse

from rathaus.accounts.constants import SESSION_TRUST_LEVEL, TrustLevel
from rathaus.accounts.models import User, email_digest
from rathaus.notifications.models import OutboxMessage

from .factories import PASSWORD, citizen_create

pytestmark = pytest.mark.django_db

REGISTRATION = {
    "given_name": "Jana",
    "family_name": "Neumann",
    "email": "jana.neumann@example.org",
    "password1": PASSWORD,
    "password2": PASSWORD,
}


def register(client, capture, data=REGISTRATION):
    with capture(execute=True):
        return client.post(reverse("accounts:register"), data)


def login(client, email, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"email": email, "password": password})


def test_register_verify_login_logout_end_to_end(
    nor_client, norderstedt, django_capture_on_commit_callbacks, outbox_link
):
    response = register(nor_client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:register_done")
    user = User.objects.get(email_digest=email_digest("jana.neumann@example.org"))
    assert not user.email_verified

    # Unverified: correct password, but a clear message and a link to resend.
    response = login(nor_client, "jana.neumann@example.org")
    assert response.status_code == 200
    assert "_auth_user_id" not in nor_client.session
    assert reverse("accounts:resend_verification") in response.content.decode()
    assert response.context["form"]["email"].value() == "jana.neumann@example.org"

    message = OutboxMessage.objects.get()
    assert "jana.neumann@example.org" in message.recipients
    assert "Jana" not in message.body  # only the link, no personal data
    link = outbox_link(subject=message.subject)
    response = nor_client.get(link)
    assert response.status_code == 200
    assert response.context["verified"] is True
    user.refresh_from_db()
    assert user.email_verified

    response = login(nor_client, "jana.neumann@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    assert nor_client.session[SESSION_TRUST_LEVEL] == TrustLevel.BASIC
    response = nor_client.get(reverse("accounts:profile"))
    assert "Jana Neumann" in response.content.decode()

    response = nor_client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in nor_client.session
    assert nor_client.get(reverse("accounts:profile")).status_code == 302


def test_resend_verification_sends_a_working_new_link(
    nor_client, norderstedt, django_capture_on_commit_callbacks, outbox_link
):
    register(nor_client, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        response = nor_client.post(
            reverse("accounts:resend_verification"), {"email": REGISTRATION["email"]}
        )
    assert response.status_code == 302
    assert OutboxMessage.objects.count() == 2
    nor_client.get(outbox_link(subject="bestätigen"))
    assert User.objects.get(email_digest=email_digest(REGISTRATION["email"])).email_verified


def test_tampered_verification_link_is_refused(nor_client, norderstedt):
    response = nor_client.get(reverse("accounts:verify_email", args=["not-a-token"]))
    assert response.context["verified"] is False


def test_registering_a_known_address_creates_nothing_and_does_not_tell(
    nor_client, norderstedt, django_capture_on_commit_callbacks
):
    citizen_create(email=REGISTRATION["email"])
    response = register(nor_client, django_capture_on_commit_callbacks)
    assert response["Location"] == reverse("accounts:register_done")
    assert User.objects.count() == 1
    assert OutboxMessage.objects.get().subject == "Sie haben bereits ein Konto"


def test_registration_form_errors_keep_input(nor_client, norderstedt):
    data = {**REGISTRATION, "password2": "something-else-123"}
    response = nor_client.post(reverse("accounts:register"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<title>Fehler:" in body
    assert 'value="jana.neumann@example.org"' in body
    assert not User.objects.exists()


def test_wrong_password_is_refused(nor_client, norderstedt):
    citizen_create(email="a@example.org")
    response = login(nor_client, "a@example.org", "wrong-password-1")
    assert response.status_code == 200
    assert "_auth_user_id" not in nor_client.session
    assert response.context["form"].non_field_errors()


def test_citizen_login_pages_render(nor_client, norderstedt):
    for name in ["login", "register", "password_reset", "resend_verification", "identify"]:
        assert nor_client.get(reverse(f"accounts:{name}")).status_code == 200, name


def test_login_page_in_english(nor_client, norderstedt):
    nor_client.cookies["django_language"] = "en"
    body = nor_client.get(reverse("accounts:login")).content.decode()
    assert "Forgotten your password?" in body
    nor_client.cookies["django_language"] = "de"
    body = nor_client.get(reverse("accounts:login")).content.decode()
    assert "Passwort vergessen?" in body
