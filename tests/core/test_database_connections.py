"""Kept PostgreSQL connections survive the server ending them: no request answers 500 afterwards.

A real Granian server (one worker, one thread, so one kept connection) serves the test database
over HTTP. The test ends that connection with ``pg_terminate_backend``, and in a second test
restarts PostgreSQL itself; every request after that must succeed on a new connection (Django's
``CONN_HEALTH_CHECKS`` replaces the dead one before the request's first query).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from bench.lib.server import free_port
from django.db import connection

from rathaus.tenants import demo as tenants_demo

pytestmark = [pytest.mark.postgres_only]

PROJECT_DIR = Path(__file__).resolve().parents[2]
APPLICATION_NAME = "rathaus-connection-test"


def _database_url() -> str:
    """The test database, named so that its connections can be told apart from ours."""
    settings = connection.settings_dict
    user = settings["USER"] or "postgres"
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or 5432
    return (
        f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"
        f"?application_name={APPLICATION_NAME}"
    )


def _get(port: int, path: str = "/") -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Host": "norderstedt.localhost"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _server_backends() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s", [APPLICATION_NAME]
        )
        return sorted(row[0] for row in cursor.fetchall())


def _wait_for(condition, what: str, seconds: float = 60.0) -> None:
    """Waits for a state, not for time: polls ``condition`` until it holds."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.1)


def _postgres_ready() -> bool:
    return subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"], check=False).returncode == 0


@pytest.fixture
def server(transactional_db):
    """Granian with the test settings on the test database, with the demo towns committed."""
    tenants_demo.load()
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rathaus.settings.test",
        "PYTHONPATH": str(PROJECT_DIR / "src"),
        "DATABASE_URL": _database_url(),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "granian",
            "--interface",
            "wsgi",
            "rathaus.wsgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
            "--blocking-threads",
            "1",
            "--no-ws",
            "--log-level",
            "warning",
        ],
        cwd=PROJECT_DIR,
        env=env,
    )

    def answers() -> bool:
        assert process.poll() is None, "granian exited"
        try:
            return _get(port, "/healthz") == 200
        except OSError:
            return False

    try:
        _wait_for(answers, "the server to answer /healthz")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=15)


def _serve_a_while(port: int, requests: int = 5) -> list[int]:
    """Pages that query the database: the town's start page and the readiness probe."""
    return [_get(port, path) for _ in range(requests) for path in ("/", "/readyz")]


def test_a_connection_the_server_ended_is_replaced_before_the_next_request(server):
    assert set(_serve_a_while(server)) == {200}
    [kept] = _server_backends()  # one thread, one connection, kept between requests
    assert set(_serve_a_while(server)) == {200}
    assert _server_backends() == [kept]

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [kept])
    _wait_for(lambda: _server_backends() == [], "the backend to end")

    assert set(_serve_a_while(server)) == {200}
    [replacement] = _server_backends()
    assert replacement != kept


def test_no_request_fails_after_postgresql_restarts(server):
    assert set(_serve_a_while(server)) == {200}
    [kept] = _server_backends()

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        major = int(cursor.fetchone()[0]) // 10000
    try:
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", str(major), "main", "restart"],
            check=True,
            capture_output=True,
        )
    finally:
        # Whatever happened, leave PostgreSQL running for everything after this test.
        if not _postgres_ready():
            subprocess.run(
                ["pg_ctlcluster", "--skip-systemctl-redirect", str(major), "main", "start"],
                check=False,
                capture_output=True,
            )
        _wait_for(_postgres_ready, "PostgreSQL to accept connections")
        connection.close()  # this process's own connection died with the restart as well

    assert set(_serve_a_while(server)) == {200}
    [replacement] = _server_backends()
    assert replacement != kept
