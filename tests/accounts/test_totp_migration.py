"""Devices in django-otp's clear-text table move into the encrypted one; the old table is gone."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from rathaus.accounts.models import TOTPDevice

from .factories import citizen_create

MIGRATION = importlib.import_module("rathaus.accounts.migrations.0002_totp_device_encrypted")
SEED = "3132333435363738393031323334353637383930"


@pytest.mark.django_db(transaction=True)
def test_clear_text_seeds_are_moved_encrypted_and_the_old_table_dropped():
    user = citizen_create(email="erika@example.org")
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE otp_totp_totpdevice (id integer PRIMARY KEY, user_id bigint, "
            "name varchar(64), confirmed boolean, key varchar(80), drift smallint, last_t bigint)"
        )
        cursor.execute(
            "INSERT INTO otp_totp_totpdevice VALUES (1, %s, 'Handy', %s, %s, 0, 41)",
            [user.pk, True, SEED],
        )
    # The models as they are now (later migrations add fields the move must fill too).
    state = MigrationExecutor(connection).loader.project_state()
    try:
        with connection.schema_editor() as editor:
            MIGRATION.seeds_encrypt(state.apps, editor)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS otp_totp_totpdevice")

    device = TOTPDevice.objects.get(user=user)
    assert (device.key, device.name, device.confirmed, device.last_t) == (SEED, "Handy", True, 41)
    assert "otp_totp_totpdevice" not in connection.introspection.table_names()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key FROM {TOTPDevice._meta.db_table}")
        assert SEED not in cursor.fetchone()[0]
