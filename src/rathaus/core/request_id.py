"""A request id that follows a request into its log lines and into the background tasks it starts.

``RequestIdMiddleware`` takes the id the reverse proxy sends (``X-Request-ID``, nginx's
``$request_id``) when it looks like one, or makes one, and answers with it. ``RequestIdFilter``
puts it on every log record (``core.logging.JsonFormatter`` prints it). A task enqueued while
the id is set carries it (``core.huey``) and its log lines name it too; a task started by the
scheduler gets ``task-<task id>``. The id is random: it says nothing about the person.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"  # read from META: ``request.headers`` would copy every header
ACCEPTED = re.compile(r"^[A-Za-z0-9-]{8,64}$")

_current: contextvars.ContextVar[str] = contextvars.ContextVar("rathaus_request_id", default="")


def request_id_current() -> str:
    return _current.get()


def request_id_set(value: str) -> contextvars.Token:
    return _current.set(value)


def request_id_reset(token: contextvars.Token) -> None:
    _current.reset(token)


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        offered = request.META.get(META_KEY, "")
        request_id = offered if ACCEPTED.match(offered) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        request_id = request_id_current()
        if request_id and not hasattr(record, "request_id"):
            record.request_id = request_id
        return True
