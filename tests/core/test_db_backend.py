"""The PostgreSQL backend's health check without a round trip (rathaus.core.db.postgresql)."""

from __future__ import annotations

import select
import time

import pytest
from django.db import connection, connections

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db]


@pytest.fixture
def second_connection():
    """A connection of its own, as a web process holds it between requests."""
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def _backend_pid(wrapper) -> int:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _next_request(wrapper) -> None:
    """What Django does between two requests: end the last one, check before the next."""
    wrapper.close_if_unusable_or_obsolete()
    wrapper.close_if_health_check_failed()


def _wait_until_readable(wrapper, seconds: float = 5.0) -> None:
    poller = select.poll()
    poller.register(wrapper.connection.fileno(), select.POLLIN)
    deadline = time.monotonic() + seconds
    while not poller.poll(50):
        assert time.monotonic() < deadline, "the server's goodbye never arrived"


def test_the_backend_is_ours_on_postgresql():
    assert connection.settings_dict["ENGINE"] == "rathaus.core.db.postgresql"
    assert connection.health_check_enabled


def test_a_healthy_idle_connection_is_kept_and_costs_no_statement(second_connection):
    pid = _backend_pid(second_connection)
    raw = second_connection.connection
    _next_request(second_connection)
    assert second_connection.connection is raw
    assert second_connection.health_check_done
    # The server saw nothing since: the backend's last statement is still the one before.
    with connection.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        assert cursor.fetchone()[0] == "SELECT pg_backend_pid()"
    assert _backend_pid(second_connection) == pid


def test_a_connection_ended_by_the_server_is_replaced_before_the_request(second_connection):
    pid = _backend_pid(second_connection)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        assert cursor.fetchone()[0] is True
    _wait_until_readable(second_connection)
    _next_request(second_connection)
    assert second_connection.connection is None
    # The request opens a fresh connection and works as if nothing had happened.
    assert _backend_pid(second_connection) != pid


def test_an_open_transaction_is_not_taken_for_idle(second_connection):
    second_connection.connection.execute("BEGIN")
    assert not second_connection.is_idle_and_open()
    second_connection.connection.execute("ROLLBACK")
    assert second_connection.is_idle_and_open()
