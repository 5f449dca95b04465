"""Huey's queues for Rathaus: the SQLite one with a private file and nothing left behind by
finished tasks, and every queue carrying the request id into the tasks a request enqueues."""

from __future__ import annotations

import logging
from collections.abc import Callable

import huey
from django.db import transaction
from huey.api import Task
from huey.storage import SqliteStorage

from rathaus.core.files import private_file_ensure
from rathaus.core.request_id import request_id_current, request_id_reset, request_id_set

logger = logging.getLogger(__name__)

# The keyword a task's arguments carry the request id under; taken off before the task runs.
REQUEST_ID_KEYWORD = "_rathaus_request_id"


class RequestIdMixin:
    """Puts the current request id into an enqueued task and sets it while the task runs (a
    retry is enqueued while it is set, so it keeps the id)."""

    def enqueue(self, task):
        request_id = request_id_current()
        if request_id and isinstance(task, Task):
            task.kwargs = {**(task.kwargs or {}), REQUEST_ID_KEYWORD: request_id}
        return super().enqueue(task)

    def _execute(self, task, timestamp):
        request_id = (task.kwargs or {}).pop(REQUEST_ID_KEYWORD, "") or f"task-{task.id}"
        token = request_id_set(request_id)
        try:
            return super()._execute(task, timestamp)
        finally:
            request_id_reset(token)


class PrivateSqliteStorage(SqliteStorage):
    def _create_connection(self):
        private_file_ensure(self.filename)
        connection = super()._create_connection()
        # Deleted task rows are overwritten with zeros, not left in free pages of the file.
        connection.execute("pragma secure_delete=on")
        return connection


class PrivateSqliteHuey(RequestIdMixin, huey.SqliteHuey):
    storage_class = PrivateSqliteStorage


class RedisHuey(RequestIdMixin, huey.RedisHuey):
    pass


class MemoryHuey(RequestIdMixin, huey.MemoryHuey):
    pass


def task_after_commit(callback: Callable[[], object], *, what: str) -> None:
    """Run ``callback``, which hands work to the task queue, after the current transaction commits.

    A failure then (the queue's Redis restarting, a lost database connection) is logged as
    ``what``, not raised: the caller's work is committed, and its request must not answer 500 for
    it. Whatever the task was for must therefore be found again by a periodic task (queued mail:
    ``notifications.tasks.waiting_emails_resend``).

    (Not Django's ``on_commit(robust=True)``: its log line reads ``__qualname__``, which a
    ``functools.partial`` lacks, so a failing partial raised an AttributeError after all.)"""

    def run() -> None:
        try:
            callback()
        except Exception:
            # The exception only: a task's arguments are ids, but its callback may hold more.
            logger.exception("%s after commit failed; a periodic task takes it up again", what)

    transaction.on_commit(run)
