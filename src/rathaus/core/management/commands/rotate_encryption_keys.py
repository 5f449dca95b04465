"""Re-encrypt every encrypted column whose ciphertext is not under the primary key.

Procedure: put the new key first in RATHAUS_ENCRYPTION_KEYS (keep the old keys after it), restart,
run this command, then remove the old keys. See docs/operations.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.db.models.functions import Cast

from rathaus.core import crypto
from rathaus.core.fields import ROW_ID_FIELD, EncryptedTextField

RAW_PREFIX = "_raw_"


def encrypted_fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


def models_with_encrypted_fields() -> Iterator[tuple[type[models.Model], list[models.Field]]]:
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed or meta.swapped:
            continue
        fields = encrypted_fields(model)
        if fields:
            yield model, fields


def stale_rows(model: type[models.Model], fields: list[models.Field], primary_id: str):
    """Rows where any encrypted column holds a ciphertext of another key than the primary one.

    The column is read through a cast to plain text, so the filter sees the stored ciphertext
    (a lookup on the encrypted field itself would encrypt the lookup value)."""
    annotations = {
        f"{RAW_PREFIX}{f.attname}": Cast(f.attname, output_field=models.TextField()) for f in fields
    }
    stale = models.Q()
    for name in annotations:
        stale |= models.Q(**{f"{name}__gt": ""}) & ~models.Q(
            **{f"{name}__startswith": f"{primary_id}$"}
        )
    return model._base_manager.annotate(**annotations).filter(stale)


def _batches(pks: Iterable[int], size: int) -> Iterator[list[int]]:
    batch: list[int] = []
    for pk in pks:
        batch.append(pk)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def rotate_model(model: type[models.Model], fields: list[models.Field], *, batch_size: int) -> int:
    primary_id = crypto.keyring().primary_id
    # Materialise the keys first: the rows we rewrite drop out of the stale filter as we go.
    pks = list(
        stale_rows(model, fields, primary_id)
        .order_by("pk")
        .values_list("pk", flat=True)
        .iterator(chunk_size=batch_size)
    )
    names = [f.attname for f in fields]
    done = 0
    for batch in _batches(pks, batch_size):
        with transaction.atomic():
            objs = (
                model._base_manager.select_for_update()
                .filter(pk__in=batch)
                .only("pk", ROW_ID_FIELD, *names)
                .order_by("pk")
            )
            for obj in objs:
                # Each value is opened with the key that sealed it and sealed again for the same
                # row and column under the primary key. An update, not save(): append-only
                # models (case events) refuse save() on existing rows, and nothing else changes.
                sealed = {
                    f.attname: f.seal(getattr(obj, f.attname), row_id=obj.encryption_row_id)
                    for f in fields
                }
                model._base_manager.filter(pk=obj.pk).update(**sealed)
                done += 1
    return done


class Command(BaseCommand):
    help = "Re-encrypt personal data whose ciphertext is not under the primary encryption key."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count the rows that need re-encryption."
        )

    def handle(self, *args, batch_size: int, dry_run: bool, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        primary_id = crypto.keyring().primary_id
        total = 0
        for model, fields in models_with_encrypted_fields():
            label = model._meta.label
            try:
                if dry_run:
                    count = stale_rows(model, fields, primary_id).count()
                else:
                    count = rotate_model(model, fields, batch_size=batch_size)
            except crypto.DecryptionError as exc:
                raise CommandError(
                    f"{label}: a ciphertext cannot be decrypted with the configured keys. "
                    "Keep every old key in RATHAUS_ENCRYPTION_KEYS until rotation has finished."
                ) from exc
            total += count
            verb = "need re-encryption" if dry_run else "re-encrypted"
            self.stdout.write(f"{label}: {count} row(s) {verb}")
        verb = "need re-encryption" if dry_run else "re-encrypted"
        self.stdout.write(
            self.style.SUCCESS(f"{total} row(s) {verb}; primary key is {primary_id!r}")
        )
