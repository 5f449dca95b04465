"""``manage.py backup <file>``: the database and the private files in one archive
(docs/operations.md, "Backups")."""

from pathlib import Path

from django.core.management.base import BaseCommand

from rathaus.core.backup import backup_create


class Command(BaseCommand):
    help = "Write the database and the private files to one archive (never overwrites)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the archive to write, e.g. rathaus.tar")

    def handle(self, *args, path, **options):
        summary = backup_create(path=path)
        self.stdout.write(
            f"backup written to {summary.path}: the {summary.vendor} database and "
            f"{summary.files} file(s); keep the encryption keys apart from it"
        )
