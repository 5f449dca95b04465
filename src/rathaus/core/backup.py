"""Backup and restore of an installation: the database and the private files, in one archive.

The archive (a tar file, readable by its owner only) holds:

* ``manifest.json``: when and from which database it was made, the ids of the encryption keys
  its data needs and the newest migration of each app;
* ``database.pgdump`` (PostgreSQL: ``pg_dump`` custom format, one consistent snapshot) or
  ``database.sqlite3`` (SQLite's online backup, equally consistent);
* ``files/``: the private file storage (uploads and issued PDFs, each file already encrypted).

The database is copied first, then the files. A file is written before the row that names it is
committed and never changed afterwards, so every file the copied database names is in the
archive; a file deleted by the retention task between the two steps is the only exception, and
that task deletes it again after a restore.

Both run from the command line only: a refusal is a ``CommandError`` in plain words.

The keys are not in the archive (docs/operations.md, "Backups"): without them the personal data in
it cannot be read, which is the point; keep them apart and as long as the backups.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from .crypto import keyring

FORMAT = 1
MANIFEST = "manifest.json"
FILES = "files"
DUMPS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    vendor: str
    files: int


def backup_create(*, path: Path) -> BackupSummary:
    """Write the archive to ``path`` (which must not exist yet)."""
    path = Path(path)
    if path.exists():
        raise CommandError(f"{path} exists already; a backup never overwrites a file.")
    vendor = connection.vendor
    if vendor not in DUMPS:
        raise CommandError(f"Backups of a {vendor} database are not supported.")
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / DUMPS[vendor]
        if vendor == "postgresql":
            _postgresql_dump(dump)
        else:
            _sqlite_copy(dump)
        manifest = {
            "format": FORMAT,
            "created": timezone.now().isoformat(),
            "database": vendor,
            "encryption_key_ids": sorted(keyring().keys),
            "migrations": _newest_migrations(),
        }
        (Path(work) / MANIFEST).write_text(json.dumps(manifest, indent=2))
        storage = Path(settings.PRIVATE_STORAGE_ROOT)
        files = 0
        partial = path.with_name(path.name + ".partial")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w") as tar:
                tar.add(Path(work) / MANIFEST, arcname=MANIFEST)
                tar.add(dump, arcname=dump.name)
                for file in sorted(storage.rglob("*")) if storage.is_dir() else []:
                    if file.is_file() and not file.is_symlink():
                        arcname = PurePosixPath(FILES, *file.relative_to(storage).parts)
                        tar.add(file, arcname=str(arcname), recursive=False)
                        files += 1
            partial.rename(path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return BackupSummary(path=path, vendor=vendor, files=files)


def backup_restore(*, path: Path) -> BackupSummary:
    """Restore the archive into this installation's database, which must be empty (migrations
    not run), and its private file storage, which must be empty or missing."""
    path = Path(path)
    vendor = connection.vendor
    with tarfile.open(path, mode="r") as tar:
        manifest = _manifest(tar)
        if manifest["database"] != vendor:
            raise CommandError(
                f"The backup is of a {manifest['database']} database; this installation uses "
                f"{vendor}. Restore into the same kind of database."
            )
        missing = sorted(set(manifest["encryption_key_ids"]) - set(keyring().keys))
        if missing:
            raise CommandError(
                "RATHAUS_ENCRYPTION_KEYS lacks the key(s) the backup's data is encrypted with: "
                f"{', '.join(missing)}. Configure them before restoring."
            )
        if connection.introspection.table_names():
            raise CommandError(
                "The database is not empty. Restore into a new, empty database "
                "(do not run migrate before restoring)."
            )
        storage = Path(settings.PRIVATE_STORAGE_ROOT)
        if storage.exists() and any(storage.iterdir()):
            raise CommandError(f"The private file storage {storage} is not empty.")
        members = _file_members(tar)
        with tempfile.TemporaryDirectory() as work:
            dump = Path(work) / DUMPS[vendor]
            source = tar.extractfile(DUMPS[vendor])
            if source is None:
                raise CommandError(f"The backup has no {DUMPS[vendor]}.")
            with source, dump.open("wb") as target:
                shutil.copyfileobj(source, target)
            if vendor == "postgresql":
                _postgresql_restore(dump)
            else:
                _sqlite_restore(dump)
        storage.mkdir(parents=True, exist_ok=True, mode=0o700)
        for member, relative in members:
            target = storage.joinpath(*relative.parts)
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            source = tar.extractfile(member)
            with source, target.open("wb") as written:
                shutil.copyfileobj(source, written)
            target.chmod(0o600)
    return BackupSummary(path=path, vendor=vendor, files=len(members))


def _manifest(tar: tarfile.TarFile) -> dict:
    try:
        source = tar.extractfile(MANIFEST)
    except KeyError:
        source = None
    if source is None:
        raise CommandError("This file is not a Rathaus backup (no manifest.json).")
    manifest = json.loads(source.read())
    if manifest.get("format") != FORMAT:
        raise CommandError(f"Unknown backup format {manifest.get('format')!r}.")
    return manifest


def _file_members(tar: tarfile.TarFile) -> list[tuple[tarfile.TarInfo, PurePosixPath]]:
    """The archive's files under ``files/``; a link, a device or a path leaving the folder is
    refused."""
    members = []
    for member in tar.getmembers():
        name = PurePosixPath(member.name)
        if not name.parts or name.parts[0] != FILES:
            continue
        relative = PurePosixPath(*name.parts[1:])
        if not member.isfile() or name.is_absolute() or ".." in name.parts or not relative.parts:
            raise CommandError(f"The backup holds an entry that is not a plain file: {member.name}")
        members.append((member, relative))
    return members


def _newest_migrations() -> dict[str, str]:
    newest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        newest[app] = max(newest.get(app, ""), name)
    return dict(sorted(newest.items()))


def _postgresql_environment() -> dict[str, str]:
    """libpq's variables for this connection, so no password appears on a command line."""
    params = connection.settings_dict
    environment = {**os.environ, "PGDATABASE": params["NAME"]}
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
    ):
        if params.get(key):
            environment[variable] = str(params[key])
    return environment


def _run(command: list[str]) -> None:
    # The programs are fixed (pg_dump, pg_restore); the arguments come from the settings.
    result = subprocess.run(  # noqa: S603
        command, env=_postgresql_environment(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise CommandError(f"{command[0]} failed: {result.stderr.strip()}")


def _postgresql_dump(target: Path) -> None:
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"])


def _postgresql_restore(dump: Path) -> None:
    connection.close()
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        ]
    )


def _sqlite_database() -> Path:
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        raise CommandError("An in-memory SQLite database cannot be backed up or restored.")
    return Path(name)


def _sqlite_copy(target: Path) -> None:
    source = sqlite3.connect(_sqlite_database())
    copy = sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy)
    finally:
        copy.close()
        source.close()


def _sqlite_restore(dump: Path) -> None:
    database = _sqlite_database()
    connection.close()
    source = sqlite3.connect(dump)
    target = sqlite3.connect(database)
    try:
        with target:
            source.backup(target)
    finally:
        target.close()
        source.close()
