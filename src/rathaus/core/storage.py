"""Encrypted files: under ``settings.PRIVATE_STORAGE_ROOT`` (outside every web root), or in the
database (``RATHAUS_FILE_STORE=database``) where several machines serve one installation.

Each file holds one ciphertext of ``rathaus.core.crypto.encrypt_bytes`` (AES-256-GCM with the
primary key). The file's relative name is bound to the ciphertext as associated data, so a file
copied under another name does not decrypt. Names are random; nothing about the owner or the
original file name is visible on disk.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import os
import secrets
import time
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from rathaus.core import crypto
from rathaus.core.models import StoredFile

FOLDERS = frozenset({"attachments", "documents"})

logger = logging.getLogger(__name__)
# The storage names written inside the innermost ``atomic_with_files`` block, if any.
_block_files: ContextVar[list[str] | None] = ContextVar("rathaus_block_files", default=None)


def _root() -> Path:
    return Path(settings.PRIVATE_STORAGE_ROOT).resolve()


def _path(storage_name: str) -> Path:
    folder, sep, name = storage_name.partition("/")
    if folder not in FOLDERS or not sep or not name.isalnum():
        raise ValueError("invalid storage name")
    return _root() / folder / name


class FilesystemStore:
    """One file per ciphertext under ``PRIVATE_STORAGE_ROOT``: for one machine, or several that
    mount the same folder."""

    def write(self, storage_name: str, token: bytes) -> None:
        path = _path(storage_name)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(token)
        os.replace(tmp, path)  # readers never see a half-written file

    def read(self, storage_name: str) -> bytes:
        return _path(storage_name).read_bytes()

    def head(self, storage_name: str, size: int) -> bytes:
        with _path(storage_name).open("rb") as handle:
            return handle.read(size)

    def delete(self, storage_name: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            _path(storage_name).unlink()

    def exists(self, storage_name: str) -> bool:
        return _path(storage_name).exists()

    def older_than(self, seconds: float) -> list[tuple[str, bool]]:
        limit = time.time() - seconds
        found = []
        for folder in sorted(FOLDERS):
            directory = _root() / folder
            if not directory.is_dir():
                continue
            for entry in directory.iterdir():
                try:
                    if not entry.is_file() or entry.stat().st_mtime > limit:
                        continue
                except FileNotFoundError:
                    continue  # deleted meanwhile
                finished = entry.name.isalnum()
                found.append((f"{folder}/{entry.name}", finished))
        return found


class DatabaseStore:
    """One row per ciphertext (``core.StoredFile``): every web process on every machine reaches
    it, a backup of the database holds it, and it is written in the transaction of the row that
    names it."""

    def write(self, storage_name: str, token: bytes) -> None:
        _path(storage_name)  # the same names as on disk
        StoredFile.objects.update_or_create(name=storage_name, defaults={"ciphertext": token})

    def read(self, storage_name: str) -> bytes:
        try:
            return bytes(
                StoredFile.objects.values_list("ciphertext", flat=True).get(name=storage_name)
            )
        except StoredFile.DoesNotExist as exc:
            raise FileNotFoundError(storage_name) from exc

    def head(self, storage_name: str, size: int) -> bytes:
        return self.read(storage_name)[:size]

    def delete(self, storage_name: str) -> None:
        StoredFile.objects.filter(name=storage_name).delete()

    def exists(self, storage_name: str) -> bool:
        return StoredFile.objects.filter(name=storage_name).exists()

    def older_than(self, seconds: float) -> list[tuple[str, bool]]:
        limit = timezone.now() - datetime.timedelta(seconds=seconds)
        names = StoredFile.objects.filter(written_at__lte=limit).order_by("name")
        return [(name, True) for name in names.values_list("name", flat=True)]


STORES = {"filesystem": FilesystemStore, "database": DatabaseStore}


def _store() -> FilesystemStore | DatabaseStore:
    try:
        return STORES[settings.RATHAUS_FILE_STORE]()
    except KeyError as exc:
        raise ImproperlyConfigured(
            f"RATHAUS_FILE_STORE must be one of {', '.join(STORES)}."
        ) from exc


def _write(storage_name: str, data: bytes) -> None:
    token = crypto.encrypt_bytes(data, associated_data=storage_name.encode())
    _store().write(storage_name, token.encode("ascii"))


def encrypted_file_write(*, data: bytes, folder: str) -> str:
    """Encrypt ``data`` into a new random file in ``folder``; returns its storage name."""
    if folder not in FOLDERS:
        raise ValueError("unknown folder")
    storage_name = f"{folder}/{secrets.token_hex(20)}"
    _write(storage_name, data)
    written = _block_files.get()
    if written is not None:
        written.append(storage_name)
    return storage_name


@contextlib.contextmanager
def atomic_with_files() -> Iterator[None]:
    """``transaction.atomic()`` whose encrypted files go with its rows: a file written inside
    the block (``encrypted_file_write``) is deleted again when an exception leaves the block,
    that is when the block's rows are rolled back. A file is written before the row that names
    it, and Django has no hook for a rollback, so the block that rolls back deletes them.

    Files of an inner block that succeeded belong to the enclosing block from then on. A
    rollback of an enclosing plain ``transaction.atomic()`` after this block succeeded is not
    seen here; such a file is left to the daily orphan sweep
    (``cases.services.orphaned_files_delete``)."""
    enclosing = _block_files.get()
    written: list[str] = []
    token = _block_files.set(written)
    try:
        with transaction.atomic():
            yield
    except BaseException:
        _block_files.reset(token)
        for storage_name in written:
            try:
                encrypted_file_delete(storage_name)
            except Exception:  # the original error matters more; the sweep deletes it later
                logger.warning("%s: not deleted after its rows were rolled back", storage_name)
        raise
    _block_files.reset(token)
    if enclosing is not None:
        enclosing.extend(written)


def encrypted_file_read(storage_name: str) -> bytes:
    token = _store().read(storage_name).decode("ascii")
    return crypto.decrypt_bytes(token, associated_data=storage_name.encode())


def encrypted_file_delete(storage_name: str) -> None:
    _store().delete(storage_name)


def encrypted_file_exists(storage_name: str) -> bool:
    return _store().exists(storage_name)


def encrypted_file_key_id(storage_name: str) -> str:
    """The id of the key the file is encrypted with (reads only the short header)."""
    head = _store().head(storage_name, 64).decode("ascii", errors="replace")
    return crypto.key_id_of(head)


def encrypted_file_reencrypt(storage_name: str) -> bool:
    """Re-encrypt a file under the primary key if it is not already; True when rewritten."""
    if encrypted_file_key_id(storage_name) == crypto.keyring().primary_id:
        return False
    _write(storage_name, encrypted_file_read(storage_name))
    return True


def encrypted_files_older_than(seconds: float) -> list[tuple[str, bool]]:
    """Files of every folder last written more than ``seconds`` ago, as ``(name, finished)``.

    ``name`` is the storage name of a finished file, or the folder-relative path of a
    temporary file that a crashed write left behind (``finished`` False; on disk only)."""
    return _store().older_than(seconds)


def stale_temporary_file_delete(relative: str) -> None:
    """Delete a temporary file left by a crashed write (``encrypted_files_older_than``)."""
    folder, _sep, name = relative.partition("/")
    if folder not in FOLDERS or not name.startswith(".") or not name.endswith(".tmp"):
        raise ValueError("not a temporary file of the private storage")
    with contextlib.suppress(FileNotFoundError):
        (_root() / folder / name).unlink()
