"""Compiles the .po catalogues to .mo with polib, so no GNU gettext is needed to run Rathaus."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile every .po file of the project and its apps to .mo (pure Python)."

    def handle(self, *args, **options):
        count = 0
        # Project-wide catalogue (LOCALE_PATHS) plus each app's own locale/ folder.
        roots = [Path(root) for root in settings.LOCALE_PATHS] + [settings.BASE_DIR]
        for po_path in sorted({p for root in roots for p in root.rglob("*.po")}):
            polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
            count += 1
        self.stdout.write(f"compiled {count} translation catalogue(s)")
