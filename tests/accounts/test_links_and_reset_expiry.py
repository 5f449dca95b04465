"""Absolute links come from the town's configured address, never from the request's Host; reset
links work once and for one hour only."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from rathaus.notifications.models import OutboxMessage

from .factories import citizen_create

pytestmark = pytest.mark.django_db


def _mailed_urls() -> list[str]:
    return [url for m in OutboxMessage.objects.all() for url in re.findall(r"https?://\S+", m.body)]


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("accounts:password_reset", {"email": "erika@example.org"}),
        ("accounts:resend_verification", {"email": "new@example.org"}),
        (
            "accounts:register",
            {
                "email": "erika@example.org",
                "password1": "Sonne-Mond-Sterne-42",
                "password2": "Sonne-Mond-Sterne-42",
                "given_name": "Erika",
                "family_name": "Mustermann",
            },
        ),
    ],
)
def test_mailed_links_ignore_a_forged_host_port(
    client, norderstedt, django_capture_on_commit_callbacks, path, data
):
    citizen_create(email="erika@example.org")
    citizen_create(email="new@example.org", verified=False)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse(path), data, HTTP_HOST="norderstedt.localhost:6666")
    urls = _mailed_urls()
    assert urls, "a mail with a link was expected"
    for url in urls:
        assert url.startswith("http://norderstedt.localhost/"), url


def test_reset_link_expires_after_one_hour(
    nor_client, norderstedt, django_capture_on_commit_callbacks, outbox_link, monkeypatch
):
    citizen_create(email="erika@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        nor_client.post(reverse("accounts:password_reset"), {"email": "erika@example.org"})
    link = outbox_link(subject=OutboxMessage.objects.get().subject)
    later = dt.datetime.now() + dt.timedelta(minutes=61)
    monkeypatch.setattr(
        "django.contrib.auth.tokens.PasswordResetTokenGenerator._now", lambda self: later
    )
    response = nor_client.get(link, follow=True)
    assert response.context["validlink"] is False
