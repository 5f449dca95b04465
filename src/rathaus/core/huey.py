"""Huey's SQLite queue with a private file and nothing left behind by finished tasks."""

from __future__ import annotations

from huey import SqliteHuey
from huey.storage import SqliteStorage

from rathaus.core.files import private_file_ensure


class PrivateSqliteStorage(SqliteStorage):
    def _create_connection(self):
        private_file_ensure(self.filename)
        connection = super()._create_connection()
        # Deleted task rows are overwritten with zeros, not left in free pages of the file.
        connection.execute("pragma secure_delete=on")
        return connection


class PrivateSqliteHuey(SqliteHuey):
    storage_class = PrivateSqliteStorage
