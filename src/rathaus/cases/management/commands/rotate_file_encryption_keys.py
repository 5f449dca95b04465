"""Re-encrypt the files of attachments and issued documents under the primary key.

The companion of ``rotate_encryption_keys`` (which re-encrypts database columns): run both after
putting the new key first in RATHAUS_ENCRYPTION_KEYS, then remove the old keys. See
docs/documents.md.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from rathaus.cases.models import Attachment
from rathaus.core import crypto
from rathaus.core.storage import (
    encrypted_file_exists,
    encrypted_file_key_id,
    encrypted_file_reencrypt,
)
from rathaus.documents.models import IssuedDocument


def stored_files():
    yield from Attachment.objects.values_list("storage_name", flat=True).iterator()
    yield from IssuedDocument.objects.values_list("storage_name", flat=True).iterator()


class Command(BaseCommand):
    help = "Re-encrypt attachment and document files that are not under the primary key."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count the files that need re-encryption."
        )

    def handle(self, *args, dry_run: bool, **options):
        primary_id = crypto.keyring().primary_id
        done = missing = 0
        for storage_name in stored_files():
            if not encrypted_file_exists(storage_name):
                missing += 1
                continue
            try:
                if dry_run:
                    done += encrypted_file_key_id(storage_name) != primary_id
                else:
                    done += encrypted_file_reencrypt(storage_name)
            except crypto.DecryptionError as exc:
                raise CommandError(
                    f"{storage_name}: cannot be decrypted with the configured keys. Keep every "
                    "old key in RATHAUS_ENCRYPTION_KEYS until rotation has finished."
                ) from exc
        verb = "need re-encryption" if dry_run else "re-encrypted"
        self.stdout.write(
            self.style.SUCCESS(f"{done} file(s) {verb}; primary key is {primary_id!r}")
        )
        if missing:
            self.stdout.write(self.style.WARNING(f"{missing} file(s) missing on disk"))
