import json
import logging
import sys

from django.test import RequestFactory

from rathaus.core.logging import SAFE_EXTRA_KEYS, JsonFormatter


def _record(message: str = "request finished", args=(), exc_info=None, **extra):
    record = logging.LogRecord(
        name="rathaus.test",
        level=logging.WARNING,
        pathname=__file__,
        lineno=1,
        msg=message,
        args=args,
        exc_info=exc_info,
    )
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def test_emits_one_json_object_per_line():
    line = JsonFormatter().format(_record("first line\nsecond line"))
    assert "\n" not in line
    payload = json.loads(line)
    assert payload["message"] == "first line\nsecond line"
    assert payload["level"] == "WARNING"
    assert payload["logger"] == "rathaus.test"
    assert payload["ts"].endswith("+00:00")


def test_only_safe_extra_fields_are_emitted():
    request = RequestFactory().get("/konto/?email=erika@example.org")
    record = _record(
        email="erika@example.org",
        user="Erika Mustermann",
        request=request,
        status_code=404,
        event="case.submitted",
        municipality="norderstedt",
        duration_ms=12,
        request_id="abc123",
    )
    line = JsonFormatter().format(record)
    payload = json.loads(line)
    assert set(payload) == {"ts", "level", "logger", "message", *SAFE_EXTRA_KEYS}
    assert payload["status_code"] == 404
    assert payload["event"] == "case.submitted"
    assert "erika" not in line.lower()
    assert "mustermann" not in line.lower()
    assert "/konto/" not in line
    assert "WSGIRequest" not in line


def test_django_request_log_never_serialises_the_request():
    # django.request logs 4xx/5xx with extra={"status_code": ..., "request": request}.
    request = RequestFactory().get("/anliegen/NOR-2026-000001/?name=Quastenflosser")
    record = _record(
        "Not Found: %s", args=("/anliegen/NOR-2026-000001/",), status_code=404, request=request
    )
    payload = json.loads(JsonFormatter().format(record))
    assert payload["status_code"] == 404
    assert "request" not in payload
    assert "Quastenflosser" not in json.dumps(payload)


def test_exceptions_are_reduced_to_their_type():
    try:
        raise ValueError("secret value erika@example.org")
    except ValueError:
        record = _record("failed", exc_info=sys.exc_info())
    line = JsonFormatter().format(record)
    payload = json.loads(line)
    assert payload["exc_type"] == "ValueError"
    assert "erika" not in line
