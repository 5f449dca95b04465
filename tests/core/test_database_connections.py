"""Kept PostgreSQL connections survive the server ending them: no request answers 500 afterwards.

A real Granian server (one worker, one thread, so one kept connection) serves the test database
over HTTP. The test ends that connection with ``pg_terminate_backend``, and in a second test
restarts PostgreSQL itself — a private server holding a copy of the test database
(``tests/system/postgres_cluster.py``), so that nothing else using the machine's PostgreSQL is
disturbed; every request after that must succeed on a new connection (Django's
``CONN_HEALTH_CHECKS`` replaces the dead one before the request's first query).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest
from bench.lib.server import free_port
from django.db import connection

from rathaus.tenants import demo as tenants_demo
from tests.system.postgres_cluster import PostgresMissing, private_cluster

pytestmark = [pytest.mark.postgres_only]

PROJECT_DIR = Path(__file__).resolve().parents[2]
APPLICATION_NAME = "rathaus-connection-test"
PRIVATE_DATABASE = "rathaus"


def _test_database_url() -> str:
    settings = connection.settings_dict
    user = settings["USER"] or "postgres"
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


def _named(url: str) -> str:
    """``url`` with the server's connections named, so they can be told apart from ours."""
    return f"{url}?application_name={APPLICATION_NAME}"


def _get(port: int, path: str = "/") -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Host": "norderstedt.localhost"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _server_backends(url: str | None = None) -> list[int]:
    """The server's backends on the test database, or on the server at ``url``."""
    query = "SELECT pid FROM pg_stat_activity WHERE application_name = %s"
    if url is None:
        with connection.cursor() as cursor:
            cursor.execute(query, [APPLICATION_NAME])
            rows = cursor.fetchall()
    else:
        with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
            rows = conn.execute(query, [APPLICATION_NAME]).fetchall()
    return sorted(row[0] for row in rows)


def _wait_for(condition, what: str, seconds: float = 60.0) -> None:
    """Waits for a state, not for time: polls ``condition`` until it holds."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.1)


@contextlib.contextmanager
def _granian(database_url: str):
    """Granian with the test settings on ``database_url``; yields its port."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rathaus.settings.test",
        "PYTHONPATH": str(PROJECT_DIR / "src"),
        "DATABASE_URL": _named(database_url),
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


@pytest.fixture
def server(transactional_db):
    """Granian on the test database, with the demo towns committed."""
    tenants_demo.load()
    with _granian(_test_database_url()) as port:
        yield port


@pytest.fixture
def private_server(transactional_db):
    """Granian on a private PostgreSQL server holding a copy of the test database with the demo
    towns committed; yields (its port, the private database's URL, the private server)."""
    tenants_demo.load()
    with contextlib.ExitStack() as stack:
        try:
            cluster = stack.enter_context(private_cluster())
        except PostgresMissing as exc:
            pytest.fail(str(exc), pytrace=False)
        dump = subprocess.run(
            [str(cluster.bins / "pg_dump"), "--no-owner", "--dbname", _test_database_url()],
            capture_output=True,
            check=True,
        ).stdout
        cluster.sql(f"CREATE DATABASE {PRIVATE_DATABASE}")
        url = cluster.url(PRIVATE_DATABASE)
        subprocess.run(
            [str(cluster.bins / "psql"), "-q", "-v", "ON_ERROR_STOP=1", "--dbname", url],
            input=dump,
            capture_output=True,
            check=True,
        )
        yield stack.enter_context(_granian(url)), url, cluster


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


def test_no_request_fails_after_postgresql_restarts(private_server):
    port, url, cluster = private_server
    assert set(_serve_a_while(port)) == {200}
    [kept] = _server_backends(url)

    cluster.restart()

    assert set(_serve_a_while(port)) == {200}
    [replacement] = _server_backends(url)
    assert replacement != kept
