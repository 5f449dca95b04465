"""``manage.py compile_translations`` writes a .mo only where its .po changed."""

import os

import polib
from django.core.management import call_command


def _catalogue(folder, msgstr):
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    po.append(polib.POEntry(msgid="Case", msgstr=msgstr))
    path = folder / "locale" / "de" / "LC_MESSAGES" / "django.po"
    path.parent.mkdir(parents=True)
    po.save(str(path))
    return path


def test_an_up_to_date_catalogue_is_left_alone_and_a_changed_one_compiled(settings, tmp_path):
    settings.LOCALE_PATHS = []
    settings.BASE_DIR = tmp_path
    po_path = _catalogue(tmp_path, "Anliegen")
    mo_path = po_path.with_suffix(".mo")

    call_command("compile_translations")
    assert polib.mofile(str(mo_path)).find("Case").msgstr == "Anliegen"
    compiled_at = mo_path.stat().st_mtime_ns

    call_command("compile_translations")
    assert mo_path.stat().st_mtime_ns == compiled_at

    po = polib.pofile(str(po_path))
    po.find("Case").msgstr = "Vorgang"
    po.save()
    later = compiled_at + 1_000_000_000
    os.utime(po_path, ns=(later, later))
    call_command("compile_translations")
    assert polib.mofile(str(mo_path)).find("Case").msgstr == "Vorgang"

    os.utime(mo_path, ns=(later + 1, later + 1))
    po.find("Case").msgstr = "Fall"
    po.save()
    os.utime(po_path, ns=(later, later))
    call_command("compile_translations", "--all")
    assert polib.mofile(str(mo_path)).find("Case").msgstr == "Fall"
