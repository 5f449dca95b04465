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
