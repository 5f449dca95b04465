"""``manage.py backup <file>``: the database and the private files in one archive
(docs/operations.md, "Backups")."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rathaus.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Write the database and the private files to one archive (never overwrites)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the archive to write, e.g. rathaus.tar")

    def handle(self, *args, path, **options):
        try:
            summary = backup_create(path=path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"backup written to {summary.path}: the {summary.vendor} database and "
            f"{summary.files} file(s); keep the encryption keys apart from it"
        )
