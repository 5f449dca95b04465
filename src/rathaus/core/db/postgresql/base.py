"""Django's PostgreSQL backend with a health check that costs no round trip.

Django checks a persistent connection at the start of each request by sending ``SELECT 1``
(``CONN_HEALTH_CHECKS``): a round trip and a statement for PostgreSQL on every request, about a
tenth of the CPU of a small API request. The failure it guards against — the server ended the
connection (restart, ``pg_terminate_backend``, failover, idle timeout) — can be seen locally:
between requests a healthy connection is idle and the server has nothing to say, so its socket
has no data waiting; a connection the server ended has the server's last message or the end of
the stream waiting. One ``poll`` with no timeout tells the two apart; a connection that looks
ended is closed, and the request opens a new one, as after a failed ``SELECT 1``.

After an error in a request Django still checks with a real query (``is_usable``), unchanged.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self):
        if (
            self.connection is None
            or self.pool
            or not self.health_check_enabled
            or self.health_check_done
        ):
            return
        if not self.is_idle_and_open():
            self.close()
        self.health_check_done = True

    def is_idle_and_open(self) -> bool:
        """True when the connection is open, idle, and the server has sent nothing since."""
        connection = self.connection
        if connection.closed or connection.pgconn.status != pq.ConnStatus.OK:
            return False
        if connection.pgconn.transaction_status != pq.TransactionStatus.IDLE:
            return False
        poller = select.poll()
        poller.register(connection.fileno(), select.POLLIN | select.POLLPRI)
        return not poller.poll(0)
