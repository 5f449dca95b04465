"""Model fields that encrypt personal data at rest (see core.crypto).

The database column holds only ciphertext; Python code sees plain values. Encrypted fields cannot be
filtered or ordered in SQL: keep a ``blind_index`` column beside a field that must be found by exact
match (e.g. ``email_digest``), and order in Python where a list must be sorted by name.
"""

from __future__ import annotations

import datetime
import json

from django.db import models

from . import crypto


class EncryptedTextField(models.TextField):
    description = "Text encrypted with AES-256-GCM"

    def get_internal_type(self) -> str:
        return "TextField"

    def to_plain(self, value):
        return value

    def from_plain(self, value):
        return value

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return self.from_plain(value) if value is None else self.empty_value()
        return self.from_plain(crypto.decrypt_text(value))

    def empty_value(self):
        return ""

    def to_python(self, value):
        return value

    def get_prep_value(self, value):
        if value is None:
            return None
        plain = self.to_plain(value)
        if plain == "":
            return ""
        return crypto.encrypt_text(plain)


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
        from django import forms

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
        from django import forms

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
