import datetime
import uuid

import pytest
from django.db import connection, models, transaction
from django.test.utils import isolate_apps

from rathaus.accounts.models import User
from rathaus.core import crypto
from rathaus.core.fields import (
    EncryptedCharField,
    EncryptedDateField,
    EncryptedJSONField,
    EncryptedTextField,
    EncryptionRowIdField,
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
        place = User._meta.get_field(column).place_of(user.encryption_row_id)
        crypto.decrypt_text(stored, associated_data=place)  # verifies
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
    row_id = uuid.uuid4()
    date_field = EncryptedDateField()
    date_field.set_attributes_from_name("born")
    date_field.model = User  # any table: only its name goes into the associated data
    assert date_field.to_python("2020-01-31") == datetime.date(2020, 1, 31)
    assert date_field.to_python("") is None
    assert date_field.to_python(None) is None
    stored = date_field.seal(datetime.date(2020, 1, 31), row_id=row_id)
    assert stored.startswith("t1$") and "2020" not in stored
    assert date_field.get_prep_value(stored) == stored
    assert date_field.from_db_value(stored, None, connection) == stored  # opened on access
    assert date_field.from_db_value(None, None, connection) is None

    text_field = EncryptedTextField()
    assert text_field.get_prep_value(None) is None
    assert text_field.get_prep_value("") == ""
    assert text_field.from_db_value("", None, connection) == ""
    assert text_field.from_db_value(None, None, connection) is None
    # A plain value never reaches SQL unencrypted (update(), bulk_update(), filters).
    with pytest.raises(TypeError, match="encrypted for its row"):
        text_field.get_prep_value("Anna")

    json_field = EncryptedJSONField()
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
        encryption_row_id = EncryptionRowIdField()
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


def _store_raw(table: str, column: str, pk: int, value: str) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE id = %s", [value, pk])


def _two_users():
    erika = User.objects.create_user(
        email="erika@example.org", password="a-long-password-123", given_name="Erika"
    )
    max_ = User.objects.create_user(
        email="max@example.org", password="a-long-password-123", given_name="Max"
    )
    return erika, max_


@pytest.mark.django_db
def test_ciphertexts_swapped_between_two_rows_fail_loudly():
    erika, max_ = _two_users()
    erika_raw = _raw_row("accounts_user", ["given_name"], erika.pk)["given_name"]
    max_raw = _raw_row("accounts_user", ["given_name"], max_.pk)["given_name"]
    _store_raw("accounts_user", "given_name", erika.pk, max_raw)
    _store_raw("accounts_user", "given_name", max_.pk, erika_raw)

    for pk in (erika.pk, max_.pk):
        swapped = User.objects.get(pk=pk)
        with pytest.raises(crypto.DecryptionError):
            swapped.given_name  # noqa: B018 - reading is what fails
    # Put back where they belong, both read again.
    _store_raw("accounts_user", "given_name", erika.pk, erika_raw)
    _store_raw("accounts_user", "given_name", max_.pk, max_raw)
    assert User.objects.get(pk=erika.pk).given_name == "Erika"
    assert User.objects.get(pk=max_.pk).given_name == "Max"


@pytest.mark.django_db
def test_a_ciphertext_moved_to_another_column_of_its_row_fails_loudly():
    erika, _ = _two_users()
    email_raw = _raw_row("accounts_user", ["email"], erika.pk)["email"]
    _store_raw("accounts_user", "given_name", erika.pk, email_raw)
    moved = User.objects.get(pk=erika.pk)
    assert moved.email == "erika@example.org"
    with pytest.raises(crypto.DecryptionError):
        moved.given_name  # noqa: B018


@pytest.mark.django_db
def test_a_value_not_read_is_written_back_unchanged_and_a_changed_one_sealed_anew():
    erika, _ = _two_users()
    before = _raw_row("accounts_user", ["email", "given_name"], erika.pk)
    loaded = User.objects.get(pk=erika.pk)
    loaded.given_name = "Erika Maria"
    loaded.save()
    after = _raw_row("accounts_user", ["email", "given_name"], erika.pk)
    assert after["email"] == before["email"]
    assert after["given_name"] != before["given_name"]
    fresh = User.objects.get(pk=erika.pk)
    assert (fresh.email, fresh.given_name) == ("erika@example.org", "Erika Maria")


@pytest.mark.django_db
def test_plain_values_cannot_be_written_past_the_row_binding():
    erika, _ = _two_users()
    with pytest.raises(TypeError, match="encrypted for its row"), transaction.atomic():
        User.objects.filter(pk=erika.pk).update(given_name="Mallory")
    erika.given_name = "Mallory"
    with pytest.raises(TypeError, match="encrypted for its row"), transaction.atomic():
        User.objects.bulk_update([erika], ["given_name"])
    assert User.objects.get(pk=erika.pk).given_name == "Erika"


@pytest.mark.django_db
def test_existing_unbound_values_are_bound_to_their_rows_by_the_data_migration():
    """What the migrations adding ``encryption_row_id`` do to values written before them."""
    from django.apps import apps as django_apps

    from rathaus.core.encryption_migrations import bind_to_rows

    erika, max_ = _two_users()
    for user, name in ((erika, "Erika"), (max_, "Max")):
        # As stored before: no associated data (the row ids the migration hands out anew).
        _store_raw(
            "accounts_user", "given_name", user.pk, crypto.encrypt_text(name, associated_data=b"")
        )
        _store_raw("accounts_user", "email", user.pk, "")
    forwards, backwards = bind_to_rows("accounts.User")
    forwards(django_apps, None)

    fresh = {user.pk: user for user in User.objects.filter(pk__in=[erika.pk, max_.pk])}
    assert fresh[erika.pk].encryption_row_id != erika.encryption_row_id
    assert fresh[erika.pk].given_name == "Erika" and fresh[max_.pk].given_name == "Max"
    assert fresh[erika.pk].email == ""
    assert fresh[erika.pk].encryption_row_id != fresh[max_.pk].encryption_row_id
    raw = _raw_row("accounts_user", ["given_name"], erika.pk)["given_name"]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(raw, associated_data=b"")

    backwards(django_apps, None)
    raw = _raw_row("accounts_user", ["given_name"], erika.pk)["given_name"]
    assert crypto.decrypt_text(raw, associated_data=b"") == "Erika"
