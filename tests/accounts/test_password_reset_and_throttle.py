"""Password reset end to end, and login throttling that slows guessing without any lockout."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from rathaus.accounts import throttle
from rathaus.accounts.models import TOTPDevice
from rathaus.accounts.services import totp_token_now
from rathaus.accounts.throttle import delay_seconds
from rathaus.notifications.models import OutboxMessage

from .factories import PASSWORD, citizen_create, staff_create

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


def _throttled(response) -> bool:
    body = response.content.decode()
    return response.status_code == 200 and ("Zu viele" in body or "Too many" in body)


@pytest.fixture
def shared_cache(cache_backend):
    """The counters in the process's memory and in Redis, as production keeps them (the suite's
    ``cache_backend``: in Redis under a prefix of the test's own, so runs side by side never
    flush each other's counters)."""
    return cache_backend


@pytest.fixture
def later(monkeypatch):
    """Move the throttle's clock forward by some seconds."""
    import time as time_module

    def move(seconds):
        now = time_module.time() + seconds
        monkeypatch.setattr("rathaus.accounts.throttle.time.time", lambda: now)

    return move


def test_delays_double_up_to_the_cap(settings):
    settings.LOGIN_THROTTLE_MAX_DELAY = 60
    delays = [delay_seconds(failures=n, free_failures=3) for n in range(12)]
    assert delays == [0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60]


@override_settings(LOGIN_THROTTLE_FREE_PER_PAIR=3)
def test_guessing_one_account_from_one_address_is_slowed_not_locked(
    nor_client, norderstedt, shared_cache, later
):
    citizen_create(email="erika@example.org")
    for _ in range(3):
        assert not _throttled(_login(nor_client, "erika@example.org", "wrong"))
    # The next attempt, even with the right password, has to wait; the input is kept.
    response = _login(nor_client, "erika@example.org", PASSWORD)
    assert _throttled(response)
    assert "_auth_user_id" not in nor_client.session
    assert response.context["form"]["email"].value() == "erika@example.org"
    # The owner at another address is not affected ...
    other = Client(HTTP_HOST="norderstedt.localhost")
    assert _login(other, "erika@example.org", PASSWORD, ip="10.9.9.9").status_code == 302
    # ... and after the delay the same address may try again: no lockout.
    later(2)
    assert _login(nor_client, "erika@example.org", PASSWORD).status_code == 302


@override_settings(LOGIN_THROTTLE_FREE_PER_PAIR=3, LOGIN_THROTTLE_FREE_PER_ACCOUNT=6)
def test_attack_from_many_addresses_cannot_lock_the_owner_out(
    nor_client, norderstedt, shared_cache
):
    citizen_create(email="erika@example.org")
    assert _login(nor_client, "erika@example.org", PASSWORD).status_code == 302
    assert throttle.DEVICE_COOKIE in nor_client.cookies
    nor_client.post(reverse("accounts:logout"))

    attacker = Client(HTTP_HOST="norderstedt.localhost")
    for number in range(20):
        _login(attacker, "erika@example.org", "wrong", ip=f"10.5.0.{number}")
    # A new browser at a new address waits (the account is under attack) ...
    stranger = Client(HTTP_HOST="norderstedt.localhost")
    assert _throttled(_login(stranger, "erika@example.org", PASSWORD, ip="10.6.6.6"))
    # ... but the owner's own browser gets in at once.
    assert _login(nor_client, "erika@example.org", PASSWORD, ip="10.7.7.7").status_code == 302


@override_settings(LOGIN_THROTTLE_FREE_PER_PAIR=100, LOGIN_THROTTLE_FREE_PER_ADDRESS=4)
def test_one_address_trying_many_accounts_is_slowed(nor_client, norderstedt, shared_cache):
    citizen_create(email="erika@example.org")
    assert _login(nor_client, "erika@example.org", PASSWORD, ip="10.1.1.1").status_code == 302
    nor_client.post(reverse("accounts:logout"))
    attacker = Client(HTTP_HOST="norderstedt.localhost")
    for number in range(4):
        _login(attacker, f"guess{number}@example.org", "wrong", ip="10.1.1.1")
    assert _throttled(_login(attacker, "erika@example.org", PASSWORD, ip="10.1.1.1"))
    # A colleague behind the same address, in the browser she used before, is not slowed.
    assert _login(nor_client, "erika@example.org", PASSWORD, ip="10.1.1.1").status_code == 302


@override_settings(LOGIN_THROTTLE_FREE_PER_PAIR=2, LOGIN_THROTTLE_FREE_PER_ACCOUNT=3)
def test_staff_owner_is_told_once_when_delays_begin(
    nor_client, norderstedt, shared_cache, django_capture_on_commit_callbacks
):
    staff_create(municipality=norderstedt, email="clara@norderstedt.example")
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(6):
            nor_client.post(
                reverse("accounts:staff_login"),
                {"email": "clara@norderstedt.example", "password": "wrong"},
                REMOTE_ADDR=f"10.3.0.{number}",
            )
    mails = [m for m in OutboxMessage.objects.all() if "clara" in m.recipients]
    assert len(mails) == 1
    assert "10.3.0" not in mails[0].body


@override_settings(LOGIN_THROTTLE_FREE_PER_PAIR=2)
def test_throttle_message_is_translated(nor_client, norderstedt, shared_cache):
    citizen_create(email="erika@example.org")
    _login(nor_client, "erika@example.org", "wrong")
    _login(nor_client, "erika@example.org", "wrong")
    response = nor_client.post(
        reverse("accounts:login"),
        {"email": "erika@example.org", "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="de",
        REMOTE_ADDR="10.0.0.1",
    )
    assert "Zu viele Fehlversuche" in response.content.decode()


def test_reset_mails_are_limited_and_the_answer_never_changes(
    nor_client, norderstedt, shared_cache, django_capture_on_commit_callbacks
):
    citizen_create(email="erika@example.org")
    answers = set()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(10):
            response = nor_client.post(
                reverse("accounts:password_reset"), {"email": "erika@example.org"}
            )
            answers.add((response.status_code, response["Location"]))
        response = nor_client.post(
            reverse("accounts:password_reset"), {"email": "nobody@example.org"}
        )
        answers.add((response.status_code, response["Location"]))
    assert answers == {(302, reverse("accounts:password_reset_done"))}
    assert OutboxMessage.objects.count() == 3


@override_settings(PASSWORD_RESET_MAX_PER_ACCOUNT=100, PASSWORD_RESET_MAX_PER_ADDRESS=4)
def test_reset_requests_per_address_are_limited(
    nor_client, norderstedt, shared_cache, django_capture_on_commit_callbacks
):
    for number in range(6):
        citizen_create(email=f"person{number}@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(6):
            nor_client.post(
                reverse("accounts:password_reset"), {"email": f"person{number}@example.org"}
            )
    assert OutboxMessage.objects.count() == 4


def test_while_the_shared_cache_is_unreachable_logins_wait_instead_of_failing(
    nor_client, norderstedt, unreachable_cache, caplog
):
    # Nothing can be counted while Redis restarts: the attempt is refused as throttled, the
    # password is not checked, and the input is kept; no 500.
    citizen_create(email="erika@example.org")
    response = _login(nor_client, "erika@example.org", PASSWORD)
    body = response.content.decode()
    # Told that logging in is briefly not possible — not of failed attempts nobody made.
    assert not _throttled(response)
    assert "Die Anmeldung ist gerade für einen Moment nicht möglich" in body
    assert f"in {throttle.UNREACHABLE_RETRY_SECONDS} Sekunden" in body
    assert "_auth_user_id" not in nor_client.session
    assert response.context["form"]["email"].value() == "erika@example.org"
    assert "login throttle unreachable, answered as at the limit" in caplog.text
    # The failure and success records do not fail either.
    assert throttle.login_failure_record(email="erika@example.org", ip="10.0.0.1") is False
    throttle.login_success_record(email="erika@example.org", ip="10.0.0.1")


def test_the_code_step_says_so_in_english_while_the_shared_cache_is_unreachable(
    nor_client, norderstedt, cache_unreachable_make
):
    clerk = staff_create(municipality=norderstedt, email="clerk@example.org")
    response = nor_client.post(
        reverse("accounts:staff_login"), {"email": "clerk@example.org", "password": PASSWORD}
    )
    assert response["Location"] == reverse("accounts:login_code")
    device = TOTPDevice.objects.get(user=clerk)
    # Redis goes away between the two steps: the right code is not checked, and the clerk is
    # told that logging in is briefly not possible (in the page's language), not of failures.
    cache_unreachable_make()
    response = nor_client.post(
        reverse("accounts:login_code"),
        {"code": totp_token_now(device.key)},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Logging in is not possible for a moment" in body
    assert f"in {throttle.UNREACHABLE_RETRY_SECONDS} seconds" in body
    assert "Too many" not in body
    assert "_auth_user_id" not in nor_client.session
