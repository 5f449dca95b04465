import datetime

import pytest
from django.db import connection, models
from django.test.utils import isolate_apps

from rathaus.accounts.models import User
from rathaus.core import crypto
from rathaus.core.fields import (
    EncryptedCharField,
    EncryptedDateField,
    EncryptedJSONField,
    EncryptedTextField,
)


def _raw_row(table: str, columns: list[str], pk: int) -> dict:
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quoted} FROM {connection.ops.quote_name(table)} WHERE id = %s", [pk]
        )
        return dict(zip(columns, cursor.fetchone(), strict=True))


@pytest.mark.django_db
def test_user_personal_data_is_stored_only_as_ciphertext():
    user = User.objects.create_user(
        email="erika.mustermann@example.org",
        password="a-long-password-123",
        given_name="Erika",
        family_name="Mustermann",
        birth_date=datetime.date(1964, 8, 12),
        street="Heidestraße 17",
        postal_code="51147",
        city="Köln",
        phone="+49 221 1234567",
    )
    columns = ["email", "given_name", "family_name", "birth_date", "street", "postal_code", "city"]
    raw = _raw_row("accounts_user", [*columns, "phone"], user.pk)
    clear = [
        "erika",
        "mustermann",
        "1964",
        "heidestraße",
        "51147",
        "köln",
        "1234567",
    ]
    for column, stored in raw.items():
        assert stored.startswith("t1$"), column
        for word in clear:
            assert word not in stored.lower(), (column, word)
        crypto.decrypt_text(stored)  # verifies
    fresh = User.objects.get(pk=user.pk)
    assert fresh.given_name == "Erika"
    assert fresh.family_name == "Mustermann"
    assert fresh.email == "erika.mustermann@example.org"
    assert fresh.birth_date == datetime.date(1964, 8, 12)
    assert fresh.city == "Köln"


@pytest.mark.django_db
def test_empty_and_none_values_are_stored_as_such():
    user = User.objects.create_user(email="leer@example.org", password="a-long-password-123")
    raw = _raw_row("accounts_user", ["given_name", "birth_date", "phone"], user.pk)
    assert raw == {"given_name": "", "birth_date": None, "phone": ""}
    fresh = User.objects.get(pk=user.pk)
    assert fresh.given_name == ""
    assert fresh.birth_date is None


@pytest.mark.django_db
def test_date_field_accepts_iso_string_and_clears_to_none():
    user = User.objects.create_user(
        email="datum@example.org", password="a-long-password-123", birth_date="2001-02-03"
    )
    assert User.objects.get(pk=user.pk).birth_date == datetime.date(2001, 2, 3)
    user.birth_date = None
    user.save()
    assert User.objects.get(pk=user.pk).birth_date is None
    assert _raw_row("accounts_user", ["birth_date"], user.pk) == {"birth_date": None}


def test_field_conversion_without_database():
    date_field = EncryptedDateField()
    assert date_field.to_python("2020-01-31") == datetime.date(2020, 1, 31)
    assert date_field.to_python("") is None
    assert date_field.to_python(None) is None
    stored = date_field.get_prep_value(datetime.date(2020, 1, 31))
    assert stored.startswith("t1$") and "2020" not in stored
    assert date_field.from_db_value(stored, None, connection) == datetime.date(2020, 1, 31)
    assert date_field.from_db_value(None, None, connection) is None

    text_field = EncryptedTextField()
    assert text_field.get_prep_value(None) is None
    assert text_field.get_prep_value("") == ""
    assert text_field.from_db_value("", None, connection) == ""
    assert text_field.from_db_value(None, None, connection) is None

    json_field = EncryptedJSONField()
    document = {"name": "Zoë", "kinder": [1, 2], "nested": {"ok": True}}
    stored = json_field.get_prep_value(document)
    assert "Zoë" not in stored
    assert json_field.from_db_value(stored, None, connection) == document
    assert json_field.from_db_value(None, None, connection) is None
    assert json_field.formfield() is None


def test_char_field_keeps_form_max_length_and_migration_signature():
    field = EncryptedCharField(max_length=40)
    assert field.formfield().max_length == 40
    _, path, _, kwargs = field.deconstruct()
    assert path == "rathaus.core.fields.EncryptedCharField"
    assert kwargs["max_length"] == 40


@pytest.mark.django_db(transaction=True)
@isolate_apps("rathaus.core")
def test_date_and_json_fields_round_trip_through_a_table():
    class Sample(models.Model):
        born = EncryptedDateField(null=True, blank=True)
        answers = EncryptedJSONField(null=True, blank=True)
        note = EncryptedTextField(blank=True)

        class Meta:
            app_label = "core"
            db_table = "core_test_encrypted_sample"

        def __str__(self) -> str:
            return f"sample {self.pk}"

    with connection.schema_editor() as editor:
        editor.create_model(Sample)
    try:
        answers = {"zuzug": "Hamburg", "personen": [{"name": "Jörg", "geboren": "1990-05-01"}]}
        row = Sample.objects.create(born=datetime.date(1990, 5, 1), answers=answers, note="Hallo")
        empty = Sample.objects.create(born=None, answers=None, note="")
        raw = _raw_row("core_test_encrypted_sample", ["born", "answers", "note"], row.pk)
        assert all(value.startswith("t1$") for value in raw.values())
        assert "Jörg" not in raw["answers"] and "1990" not in raw["born"]
        fresh = Sample.objects.get(pk=row.pk)
        assert fresh.born == datetime.date(1990, 5, 1)
        assert fresh.answers == answers
        assert fresh.note == "Hallo"
        fresh_empty = Sample.objects.get(pk=empty.pk)
        assert fresh_empty.born is None
        assert fresh_empty.answers is None
        assert fresh_empty.note == ""
    finally:
        with connection.schema_editor() as editor:
            editor.delete_model(Sample)
