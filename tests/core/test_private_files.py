"""Every SQLite file Rathaus creates (database, task queue, their WAL) is private to its user."""

import os
import stat

import pytest
from django.db.utils import ConnectionHandler

from rathaus.core.huey import PrivateSqliteHuey


@pytest.fixture(autouse=True)
def _own_databases(django_db_blocker):
    """These tests open SQLite files of their own, not the test database."""
    with django_db_blocker.unblock():
        yield


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_database_file_and_its_wal_are_0600_whatever_the_umask(tmp_path):
    path = tmp_path / "rathaus.sqlite3"
    handler = ConnectionHandler({"default": {"ENGINE": "rathaus.core.db.sqlite3", "NAME": path}})
    old_umask = os.umask(0o022)
    try:
        wrapper = handler["default"]
        with wrapper.cursor() as cursor:
            cursor.execute("CREATE TABLE t (x text)")
            cursor.execute("INSERT INTO t VALUES ('x')")
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
        files = sorted(p.name for p in tmp_path.iterdir())
        assert "rathaus.sqlite3-wal" in files
        for name in files:
            assert _mode(tmp_path / name) == 0o600, name
        wrapper.close()
    finally:
        os.umask(old_umask)


def test_an_existing_world_readable_database_is_tightened(tmp_path):
    path = tmp_path / "old.sqlite3"
    path.touch(mode=0o644)
    path.chmod(0o644)
    handler = ConnectionHandler({"default": {"ENGINE": "rathaus.core.db.sqlite3", "NAME": path}})
    handler["default"].ensure_connection()
    assert _mode(path) == 0o600
    handler["default"].close()


def test_task_queue_file_is_0600_and_keeps_no_finished_task(tmp_path):
    path = tmp_path / "huey.sqlite3"
    old_umask = os.umask(0o022)
    try:
        huey = PrivateSqliteHuey("t", filename=str(path))

        @huey.task()
        def remember(secret):
            return None

        remember("erika.mustermann@example.org")
        huey.execute(huey.dequeue())
        huey.storage.close()
    finally:
        os.umask(old_umask)
    for file in tmp_path.iterdir():
        assert _mode(file) == 0o600, file.name
        assert b"erika.mustermann" not in file.read_bytes(), file.name
