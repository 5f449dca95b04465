"""``manage.py restore <file>``: an archive of ``manage.py backup`` into an empty installation."""

from pathlib import Path

from django.core.management.base import BaseCommand

from rathaus.core.backup import backup_restore


class Command(BaseCommand):
    help = (
        "Restore an archive of `manage.py backup` into an empty database (migrate not run) "
        "and an empty private file storage."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the archive written by manage.py backup")

    def handle(self, *args, path, **options):
        summary = backup_restore(path=path)
        self.stdout.write(
            f"restored the {summary.vendor} database and {summary.files} file(s) from "
            f"{summary.path}; run manage.py migrate if this version is newer than the backup's"
        )
