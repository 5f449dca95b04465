"""Compiles the .po catalogues to .mo with polib, so no GNU gettext is needed to run Rathaus.

A catalogue whose .mo is newer than its .po is left as it is (``--all`` compiles every one): two
test runs started side by side then only read the files the first one wrote."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile every .po file of the project and its apps to .mo (pure Python)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="also the up-to-date ones")

    def handle(self, *args, **options):
        count = 0
        # Project-wide catalogue (LOCALE_PATHS) plus each app's own locale/ folder.
        roots = [Path(root) for root in settings.LOCALE_PATHS] + [settings.BASE_DIR]
        for po_path in sorted({p for root in roots for p in root.rglob("*.po")}):
            mo_path = po_path.with_suffix(".mo")
            if (
                not options["all"]
                and mo_path.exists()
                and mo_path.stat().st_mtime >= po_path.stat().st_mtime
            ):
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            count += 1
        self.stdout.write(f"compiled {count} translation catalogue(s)")
