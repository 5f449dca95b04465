"""Model fields that encrypt personal data at rest (see core.crypto).

The database column holds only ciphertext; Python code sees plain values. Encrypted fields cannot be
filtered or ordered in SQL: keep a ``blind_index`` column beside a field that must be found by exact
match (e.g. ``email_digest``), and order in Python where a list must be sorted by name.

Each ciphertext is bound to its place: the associated data of AES-GCM names the table, the column
and the row. The row is named by ``encryption_row_id``, a random UUID every model with encrypted
fields carries (``EncryptionRowIdField``), set when the object is created and never changed — the
primary key is not known before the row is inserted. A ciphertext copied into another row or column
fails to decrypt with ``crypto.DecryptionError`` instead of showing another person's data
(docs/adr/0005-encrypted-values-bound-to-their-row.md).

Values are decrypted where the row is known, on first attribute access (``EncryptedAttribute``), and
encrypted in ``pre_save``. So encrypted values are written through ``Model.save()`` (or
``bulk_create``), never through ``QuerySet.update()`` or ``bulk_update()``, and are read from model
instances, never from ``values()``; a plain value reaching SQL any other way raises ``TypeError``.
"""

from __future__ import annotations

import datetime
import json
import uuid

from django import forms
from django.core import checks
from django.db import models
from django.db.models.query_utils import DeferredAttribute

from . import crypto

ROW_ID_FIELD = "encryption_row_id"


class EncryptionRowIdField(models.UUIDField):
    """The random id that binds a row's ciphertexts to the row (set once, before the insert)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", uuid.uuid4)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("unique", True)
        super().__init__(*args, **kwargs)


class Sealed(str):
    """A ciphertext as loaded from (or about to be written to) its column."""


def place(*, table: str, column: str, row_id: uuid.UUID) -> bytes:
    """The associated data of a value stored in ``table.column`` of the row ``row_id``."""
    return f"{table}\x00{column}\x00{row_id}".encode()


def row_id_of(instance: models.Model) -> uuid.UUID | None:
    """The row id of ``instance``; None for a model in a migration from before its row id existed
    (its values are unbound then, and the migration adding the row id binds them)."""
    if not any(field.name == ROW_ID_FIELD for field in instance._meta.concrete_fields):
        return None
    row_id = getattr(instance, ROW_ID_FIELD)
    if row_id is None:
        raise ValueError(f"{type(instance).__name__} has no {ROW_ID_FIELD} to bind its data to")
    return row_id


class EncryptedAttribute(DeferredAttribute):
    """Decrypts a loaded ciphertext on first access, with the row it was loaded from.

    A data descriptor (it has ``__set__``), so reads come here even when the value is loaded."""

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Sealed):
            value = self.field.open(instance, value)
            instance.__dict__[self.field.attname] = value
        return value


class EncryptedTextField(models.TextField):
    description = "Text encrypted with AES-256-GCM, bound to its table, column and row"
    descriptor_class = EncryptedAttribute

    def get_internal_type(self) -> str:
        return "TextField"

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        names = {field.name for field in self.model._meta.get_fields()}
        if not self.model._meta.abstract and ROW_ID_FIELD not in names:
            errors.append(
                checks.Error(
                    f"{self.model._meta.label} has encrypted fields but no {ROW_ID_FIELD}.",
                    hint=f"Add `{ROW_ID_FIELD} = EncryptionRowIdField()` (rathaus.core.fields).",
                    obj=self,
                    id="rathaus.E001",
                )
            )
        return errors

    def to_plain(self, value):
        return value

    def from_plain(self, value):
        return value

    def empty_value(self):
        return ""

    def from_db_value(self, value, expression, connection):
        if value is None:
            return self.from_plain(None)
        if value == "":
            return self.empty_value()
        return Sealed(value)  # decrypted on access, where the row is known

    def place_of(self, row_id: uuid.UUID | None) -> bytes:
        if row_id is None:
            return b""  # unbound: a historical model before its row id (see ``row_id_of``)
        return place(table=self.model._meta.db_table, column=self.column, row_id=row_id)

    def open(self, instance: models.Model, token: str):
        """The plain value of a ciphertext loaded into ``instance``."""
        associated_data = self.place_of(row_id_of(instance))
        return self.from_plain(crypto.decrypt_text(token, associated_data=associated_data))

    def seal(self, value, *, row_id: uuid.UUID) -> Sealed | str | None:
        """The ciphertext of ``value`` in the row ``row_id`` ("" and None stay as they are)."""
        if value is None:
            return None
        plain = self.to_plain(value)
        if plain == "":
            return ""
        return Sealed(crypto.encrypt_text(plain, associated_data=self.place_of(row_id)))

    def pre_save(self, model_instance, add):
        value = model_instance.__dict__.get(self.attname)
        if isinstance(value, Sealed):
            return value  # loaded from this row and column and not read since: still valid
        return self.seal(getattr(model_instance, self.attname), row_id=row_id_of(model_instance))

    def to_python(self, value):
        return value

    def get_prep_value(self, value):
        if value is None or isinstance(value, Sealed):
            return value
        if self.to_plain(value) == "":
            return ""
        raise TypeError(
            f"{self} is encrypted for its row: write it with save() or bulk_create(), "
            "not update(), bulk_update() or a filter on its value"
        )


class EncryptedCharField(EncryptedTextField):
    """Encrypted text with a form max length (the column itself is unbounded text)."""

    def __init__(self, *args, max_length: int | None = None, **kwargs):
        self.plain_max_length = max_length
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.plain_max_length is not None:
            kwargs["max_length"] = self.plain_max_length
        return name, path, args, kwargs

    def formfield(self, **kwargs):

        defaults = {"form_class": forms.CharField, "max_length": self.plain_max_length}
        defaults.update(kwargs)
        return models.Field.formfield(self, **defaults)


class EncryptedDateField(EncryptedTextField):
    def empty_value(self):
        return None

    def to_plain(self, value):
        if isinstance(value, datetime.date):
            return value.isoformat()
        return str(value)

    def from_plain(self, value):
        if not value:
            return None
        return datetime.date.fromisoformat(value)

    def to_python(self, value):
        if value in (None, "") or isinstance(value, datetime.date):
            return value or None
        return datetime.date.fromisoformat(str(value))

    def formfield(self, **kwargs):

        defaults = {"form_class": forms.DateField}
        defaults.update(kwargs)
        return models.Field.formfield(self, **defaults)


class EncryptedJSONField(EncryptedTextField):
    """A JSON document (e.g. a case's answers) encrypted as a whole."""

    def empty_value(self):
        return None

    def to_plain(self, value):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)

    def from_plain(self, value):
        if value is None or value == "":
            return None
        return json.loads(value)

    def formfield(self, **kwargs):
        return None
