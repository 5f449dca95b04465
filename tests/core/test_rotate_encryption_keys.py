import base64
import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from rathaus.accounts.models import User
from rathaus.core import crypto
from rathaus.notifications.models import OutboxMessage

OLD = "old:" + base64.b64encode(b"O" * 32).decode()
NEW = "new:" + base64.b64encode(b"N" * 32).decode()
ENCRYPTED_USER_COLUMNS = ["email", "given_name", "family_name", "birth_date", "city"]


def _raw(table: str, columns: list[str]) -> list[tuple]:
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quoted} FROM {table} ORDER BY id")
        return cursor.fetchall()


def _make_users(count: int) -> list[int]:
    pks = []
    for number in range(count):
        user = User.objects.create_user(
            email=f"person{number}@example.org",
            given_name=f"Given{number}",
            family_name=f"Family{number}",
            birth_date=datetime.date(1980, 1, 1) + datetime.timedelta(days=number),
            city="" if number % 2 else "Norderstedt",
        )
        pks.append(user.pk)
    return pks


@pytest.mark.django_db
def test_rows_under_old_key_end_under_new_key_with_values_unchanged():
    with override_settings(RATHAUS_ENCRYPTION_KEYS=OLD):
        pks = _make_users(5)
        OutboxMessage.objects.create(recipients="a@example.org", subject="Betreff", body="Text")
    # Rotation: new key first, old key kept for reading.
    with override_settings(RATHAUS_ENCRYPTION_KEYS=f"{NEW},{OLD}"):
        # One row written after the switch already uses the new key and must not be counted.
        User.objects.create_user(email="new@example.org", given_name="Neu")
        before = _raw("accounts_user", ENCRYPTED_USER_COLUMNS)
        out = StringIO()
        call_command("rotate_encryption_keys", "--batch-size", "2", stdout=out)
        report = out.getvalue()
        assert "accounts.User: 5 row(s) re-encrypted" in report
        assert "notifications.OutboxMessage: 1 row(s) re-encrypted" in report

        after = _raw("accounts_user", ENCRYPTED_USER_COLUMNS)
        for old_row, new_row in zip(before, after, strict=True):
            for old_value, new_value in zip(old_row, new_row, strict=True):
                if old_value in ("", None):
                    assert new_value == old_value  # empty stays empty, not encrypted
                else:
                    assert crypto.key_id_of(new_value) == "new"
        for subject_row in _raw("notifications_outboxmessage", ["recipients", "subject", "body"]):
            assert all(crypto.key_id_of(value) == "new" for value in subject_row)

        # A second run finds nothing left to do.
        out = StringIO()
        call_command("rotate_encryption_keys", "--dry-run", stdout=out)
        assert "0 row(s) need re-encryption" in out.getvalue()

    # With the old key removed, every value still reads back unchanged.
    with override_settings(RATHAUS_ENCRYPTION_KEYS=NEW):
        for number, pk in enumerate(pks):
            user = User.objects.get(pk=pk)
            assert user.email == f"person{number}@example.org"
            assert user.given_name == f"Given{number}"
            assert user.family_name == f"Family{number}"
            assert user.birth_date == datetime.date(1980, 1, 1) + datetime.timedelta(days=number)
            assert user.city == ("" if number % 2 else "Norderstedt")
        message = OutboxMessage.objects.get()
        assert (message.recipients, message.subject, message.body) == (
            "a@example.org",
            "Betreff",
            "Text",
        )


@pytest.mark.django_db
def test_dry_run_counts_and_changes_nothing():
    with override_settings(RATHAUS_ENCRYPTION_KEYS=OLD):
        _make_users(3)
    with override_settings(RATHAUS_ENCRYPTION_KEYS=f"{NEW},{OLD}"):
        before = _raw("accounts_user", ENCRYPTED_USER_COLUMNS)
        out = StringIO()
        call_command("rotate_encryption_keys", "--dry-run", stdout=out)
        assert "accounts.User: 3 row(s) need re-encryption" in out.getvalue()
        assert _raw("accounts_user", ENCRYPTED_USER_COLUMNS) == before


@pytest.mark.django_db
def test_missing_old_key_stops_with_a_clear_error():
    with override_settings(RATHAUS_ENCRYPTION_KEYS=OLD):
        _make_users(1)
    with override_settings(RATHAUS_ENCRYPTION_KEYS=NEW), pytest.raises(CommandError) as excinfo:
        call_command("rotate_encryption_keys", stdout=StringIO())
    assert "Keep every old key" in str(excinfo.value)
