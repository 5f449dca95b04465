"""``manage.py backup`` and ``manage.py restore``: a round trip into an empty database of the same
kind (the one the tests run on), in a fresh process as an operator runs it."""

import datetime
import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from rathaus.appointments import services as appointment_services
from rathaus.appointments.models import Booking, Office
from rathaus.appointments.selectors import free_starts
from rathaus.cases.models import Case
from rathaus.core.storage import encrypted_file_write
from rathaus.register.models import Person

PROJECT_DIR = Path(__file__).resolve().parents[2]

# Run in the restored installation: every model's row count, the register's names (decrypted:
# the keys and the rows' associated data still fit) and every file read back through its key.
REPORT = """
import json
from django.apps import apps
from rathaus.core.storage import encrypted_file_read
from rathaus.register.models import Person
from django.conf import settings
from pathlib import Path
root = Path(settings.PRIVATE_STORAGE_ROOT)
files = {
    str(path.relative_to(root)): encrypted_file_read(str(path.relative_to(root))).hex()
    for path in root.rglob("*") if path.is_file()
}
print("REPORT " + json.dumps({
    "counts": {m._meta.label: m._default_manager.count() for m in apps.get_models()},
    "names": sorted(p.family_name for p in Person.objects.all()),
    "files": files,
}))
"""


def _booking_make() -> Booking:
    office = Office.objects.filter(is_active=True).order_by("pk").first()
    services = [("personalausweis", 1)]
    today = timezone.localdate()
    start = free_starts(
        municipality=office.municipality,
        office=office,
        services=services,
        first_day=today,
        last_day=today + datetime.timedelta(days=40),
    )[0]
    hold = appointment_services.hold_create(
        municipality=office.municipality, office=office, services=services, start=start
    )
    return appointment_services.booking_confirm(
        municipality=office.municipality,
        hold_token=hold.token,
        name="Erika Mustermann",
        email="erika@example.org",
        phone="",
    )


def _counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@pytest.fixture
def empty_database(tmp_path):
    """A ``DATABASE_URL`` of a new, empty database of the kind the tests run on."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    params = connection.settings_dict
    name = f"rathaus_restore_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    user = params["USER"] or "postgres"
    password = f":{params['PASSWORD']}" if params["PASSWORD"] else ""
    host = params["HOST"] or "127.0.0.1"
    port = params["PORT"] or 5432
    yield f"postgres://{user}{password}@{host}:{port}/{name}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _manage(*args: str, database_url: str, storage: Path) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="rathaus.settings.test",
        DATABASE_URL=database_url,
        RATHAUS_PRIVATE_STORAGE=str(storage),
        PYTHONPATH=str(PROJECT_DIR / "src"),
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


# Transactional: the dump reads through its own connection and sees only committed rows.
@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_every_case_file_booking_and_register_entry(
    settings, tmp_path, empty_database
):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "files"
    call_command("load_demo_data", stdout=open(os.devnull, "w"))  # noqa: SIM115
    _booking_make()
    attachment = encrypted_file_write(data=b"%PDF-1.7 a citizen's upload", folder="attachments")
    before = _counts()
    assert Case.objects.exists() and Booking.objects.exists() and Person.objects.exists()
    names = sorted(person.family_name for person in Person.objects.all())

    archive = tmp_path / "rathaus.tar"
    call_command("backup", str(archive), stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert archive.stat().st_mode & 0o077 == 0  # readable by its owner only
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert manifest["database"] == connection.vendor
    assert manifest["encryption_key_ids"] == ["t1"]

    restored_files = tmp_path / "restored-files"
    restore = _manage("restore", str(archive), database_url=empty_database, storage=restored_files)
    assert restore.returncode == 0, restore.stderr
    report_run = _manage("shell", "-c", REPORT, database_url=empty_database, storage=restored_files)
    assert report_run.returncode == 0, report_run.stderr
    line = next(row for row in report_run.stdout.splitlines() if row.startswith("REPORT "))
    report = json.loads(line.removeprefix("REPORT "))

    assert report["counts"] == before
    assert report["names"] == names
    assert report["files"][attachment] == b"%PDF-1.7 a citizen's upload".hex()
    stored = sorted(
        str(path.relative_to(settings.PRIVATE_STORAGE_ROOT))
        for path in Path(settings.PRIVATE_STORAGE_ROOT).rglob("*")
        if path.is_file()
    )
    assert sorted(report["files"]) == stored

    # A second restore finds the database in use and changes nothing.
    again = _manage("restore", str(archive), database_url=empty_database, storage=tmp_path / "x")
    assert again.returncode != 0
    assert "The database is not empty" in again.stderr
    assert not (tmp_path / "x").exists()


@pytest.mark.django_db
def test_a_backup_never_overwrites_a_file(tmp_path):
    archive = tmp_path / "rathaus.tar"
    archive.write_text("yesterday's backup")
    with pytest.raises(CommandError, match="never overwrites"):
        call_command("backup", str(archive))
    assert archive.read_text() == "yesterday's backup"


def test_restore_refuses_an_archive_that_is_not_a_backup_or_escapes_the_folder(tmp_path):
    stray = tmp_path / "stray.tar"
    with tarfile.open(stray, "w") as tar:
        tar.add(__file__, arcname="notes.txt")
    with pytest.raises(CommandError, match="not a Rathaus backup"):
        call_command("restore", str(stray))
