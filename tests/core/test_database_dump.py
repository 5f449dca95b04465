"""A dump of the database (what a backup holds) contains no clear-text personal data."""

import os
import subprocess

import pytest
from django.db import connection

from rathaus.accounts.models import User

GIVEN = "Zacharias"
FAMILY = "Quastenflosser"
EMAIL = "zacharias.quastenflosser@example.org"


def _dump() -> str:
    if connection.vendor == "sqlite":
        return "\n".join(connection.connection.iterdump())
    if connection.vendor == "postgresql":
        settings = connection.settings_dict
        env = {**os.environ}
        if settings.get("PASSWORD"):
            env["PGPASSWORD"] = settings["PASSWORD"]
        command = ["pg_dump", "--no-owner", "--dbname", settings["NAME"]]
        for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
            if settings.get(key):
                command += [option, str(settings[key])]
        return subprocess.run(
            command, env=env, capture_output=True, text=True, check=True, timeout=120
        ).stdout
    pytest.fail(f"no dump method for {connection.vendor}")


# Transactional: pg_dump reads through its own connection and sees only committed rows.
@pytest.mark.django_db(transaction=True)
def test_database_dump_contains_no_clear_text_citizen_data():
    user = User.objects.create_user(
        email=EMAIL,
        password="a-long-password-123",
        given_name=GIVEN,
        family_name=FAMILY,
        city="Norderstedt-Garstedt",
        street="Quastenweg 7",
    )
    dump = _dump()
    # The dump did capture the row (its lookup digest is there) ...
    assert user.email_digest in dump
    # ... but none of the personal data in clear text.
    lowered = dump.lower()
    for clear in (GIVEN, FAMILY, EMAIL, "zacharias.quastenflosser", "garstedt", "quastenweg"):
        assert clear.lower() not in lowered, clear


@pytest.mark.django_db(transaction=True)
def test_dump_of_the_lived_in_demo_holds_no_resident_name():
    """The whole demo (accounts, cases in every state, bookings, payments) as a backup
    would hold it: no name of a demo resident appears in clear text."""
    from io import StringIO

    from django.core.management import call_command

    from rathaus.appointments.models import Booking
    from rathaus.cases.models import Case

    call_command("load_demo_data", stdout=StringIO())
    assert Case.objects.exclude(status="draft").count() >= 14
    # Full names and e-mail addresses: a space or an "@" never occurs in base64 ciphertext, so a
    # match can only be clear text (a short family name alone may occur in ciphertext by chance).
    names = {case.applicant_name for case in Case.objects.all() if case.applicant_name}
    names |= {booking.name for booking in Booking.objects.all() if booking.name}
    names |= {user.full_name for user in User.objects.all() if user.full_name}
    names = {name for name in names if " " in name}
    addresses = {user.email for user in User.objects.all()}
    addresses |= {booking.email for booking in Booking.objects.all()}
    assert "Erika Mustermann" in names  # the demo's best-known resident is in the data ...
    lowered = _dump().lower()
    for clear in names | addresses:
        assert clear.lower() not in lowered, clear  # ... but not in the dump
