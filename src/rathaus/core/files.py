"""Files Rathaus creates that hold personal data or secrets are readable by its own user only."""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_FILE_MODE = 0o600


def private_file_ensure(path: str | os.PathLike) -> None:
    """Create ``path`` (and its folder) with mode 0600 if missing, or tighten it to 0600.

    SQLite creates a database's ``-wal``, ``-shm`` and ``-journal`` files with the mode of the
    database file, so creating the database file this way before SQLite opens it keeps all of
    them private, whatever the process's umask."""
    path = Path(path)
    if str(path) in ("", ":memory:") or str(path).startswith("file:"):
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_CREAT | os.O_RDWR, PRIVATE_FILE_MODE)
    try:
        os.fchmod(descriptor, PRIVATE_FILE_MODE)
    finally:
        os.close(descriptor)
    for suffix in ("-wal", "-shm", "-journal"):
        sibling = path.with_name(path.name + suffix)
        if sibling.exists():
            sibling.chmod(PRIVATE_FILE_MODE)
