"""Data migrations for encrypted columns: bind existing ciphertexts to their rows.

Used by each app's migration that adds ``encryption_row_id``; a later renamed table or column can
re-bind with the same function and its old name. Ciphertexts are read and written as stored text
(through a cast to ``TextField``), so the encrypted fields' own conversions are not involved.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.db import migrations, models
from django.db.models.functions import Cast

from . import crypto
from .fields import ROW_ID_FIELD, EncryptedTextField, EncryptionRowIdField, place

Placer = Callable[[models.Field, uuid.UUID | None], bytes]


def _unbound(field: models.Field, row_id: uuid.UUID | None) -> bytes:
    return b""  # values written before encrypted values were bound to their place


def _bound(field: models.Field, row_id: uuid.UUID | None) -> bytes:
    return place(table=field.model._meta.db_table, column=field.column, row_id=row_id)


def rebind(model: type[models.Model], *, before: Placer, after: Placer, new_row_ids: bool) -> None:
    """Re-encrypts every encrypted value of ``model`` from the ``before`` place to ``after``."""
    fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
    stored = {f"_stored_{f.attname}": Cast(f.attname, models.TextField()) for f in fields}
    rows = model._base_manager.annotate(**stored).order_by("pk")
    last_pk = None
    while True:
        # In batches by primary key, each read in full before its rows are written.
        batch = rows if last_pk is None else rows.filter(pk__gt=last_pk)
        batch = list(batch.values("pk", ROW_ID_FIELD, *stored)[:500])
        if not batch:
            return
        for row in batch:
            _rebind_row(model, fields, row, before=before, after=after, new_row_ids=new_row_ids)
        last_pk = batch[-1]["pk"]


def _rebind_row(model, fields, row, *, before: Placer, after: Placer, new_row_ids: bool) -> None:
    old_id = row[ROW_ID_FIELD]
    new_id = uuid.uuid4() if new_row_ids else old_id
    changes = {ROW_ID_FIELD: new_id}
    for field in fields:
        token = row[f"_stored_{field.attname}"]
        if not token:
            continue
        plain = crypto.decrypt_bytes(token, associated_data=before(field, old_id))
        sealed = crypto.encrypt_bytes(plain, associated_data=after(field, new_id))
        changes[field.attname] = models.Value(sealed, output_field=models.TextField())
    model._base_manager.filter(pk=row["pk"]).update(**changes)


def row_id_operations(
    app_label: str, model_names: list[str]
) -> list[migrations.operations.base.Operation]:
    """The operations that add ``encryption_row_id`` to models that already hold encrypted values:
    a nullable column, a fresh id for every row with its values bound to it, then the field as
    the models declare it."""
    added = [
        migrations.AddField(
            model_name=name.lower(),
            name=ROW_ID_FIELD,
            field=models.UUIDField(editable=False, null=True),
        )
        for name in model_names
    ]
    bound = [migrations.RunPython(*bind_to_rows(f"{app_label}.{name}")) for name in model_names]
    declared = [
        migrations.AlterField(
            model_name=name.lower(), name=ROW_ID_FIELD, field=EncryptionRowIdField()
        )
        for name in model_names
    ]
    return [*added, *bound, *declared]


def bind_to_rows(model_label: str) -> tuple[Callable, Callable]:
    """``RunPython`` forwards and backwards functions for one model."""

    def forwards(apps, schema_editor):
        rebind(apps.get_model(model_label), before=_unbound, after=_bound, new_row_ids=True)

    def backwards(apps, schema_editor):
        rebind(apps.get_model(model_label), before=_bound, after=_unbound, new_row_ids=False)

    return forwards, backwards
