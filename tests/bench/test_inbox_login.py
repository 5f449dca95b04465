"""The benchmark's staff login: RFC 6238 codes and the real password + TOTP login over HTTP."""

import pytest
from bench.lib.staff_login import LoginFailed, staff_login, totp
from django_otp.oath import TOTP

from rathaus.accounts.models import TOTPDevice
from tests.accounts.factories import PASSWORD, staff_create

RFC_KEY = "3132333435363738393031323334353637383930"  # "12345678901234567890", RFC 6238 SHA-1


@pytest.mark.parametrize(
    ("at", "code"),
    [
        (59, "94287082"),
        (1111111109, "07081804"),
        (1234567890, "89005924"),
        (2000000000, "69279037"),
    ],
)
def test_totp_matches_the_rfc_6238_test_vectors(at, code):
    assert totp(RFC_KEY, at=at, digits=8) == code


def test_totp_agrees_with_django_otp():
    for at in (0, 29, 30, 1_764_000_000, 1_764_000_031):
        reference = TOTP(bytes.fromhex(RFC_KEY), step=30, t0=0, digits=6)
        reference.time = at
        assert totp(RFC_KEY, at=at) == str(reference.token()).zfill(6)


@pytest.mark.django_db(transaction=True)
def test_staff_login_over_http_gives_a_working_back_office_session(live_server, norderstedt):
    clerk = staff_create(municipality=norderstedt, email="bench@norderstedt.example")
    device = TOTPDevice.objects.get(user=clerk)
    common = {"base_url": live_server.url, "host": "norderstedt.localhost"}

    cookies = staff_login(
        **common,
        email="bench@norderstedt.example",
        password=PASSWORD,
        totp_key_hex=device.key,
    )

    assert "sessionid" in cookies
    with pytest.raises(LoginFailed, match="password step"):
        staff_login(
            **common,
            email="bench@norderstedt.example",
            password="wrong-password",
            totp_key_hex=device.key,
        )
