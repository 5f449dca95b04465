"""Names searched in the back office or the API never reach a log line."""

import io
import logging

import pytest

from rathaus.core.logging import RedactFilter, redact


@pytest.fixture
def log_output():
    """What the project's console handler writes, captured."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactFilter) for f in h.filters)
    )
    stream = io.StringIO()
    old = handler.setStream(stream)
    yield stream
    handler.setStream(old)


def test_request_lines_lose_query_values_and_keep_parameter_names(log_output):
    logging.getLogger("django.server").info(
        '"%s" %s %s', "GET /verwaltung/?search=Erika+Mustermann&status=new HTTP/1.1", "200", "9"
    )
    logging.getLogger("rathaus").warning(
        "slow request /api/v1/cases?search=max%20meier&offset=0 for erika@example.org"
    )
    written = log_output.getvalue()
    for secret in ("Erika", "Mustermann", "max%20meier", "meier", "erika@example.org"):
        assert secret not in written
    assert "/verwaltung/?search=…&status=…" in written
    assert "/api/v1/cases?search=…&offset=…" in written


@pytest.mark.django_db
def test_a_searched_name_in_a_real_request_is_not_logged(log_output, towns, client):
    client.get("/api/v1/cases?search=Erika+Mustermann", HTTP_HOST="norderstedt.localhost")
    client.get("/gibt-es-nicht/?search=Erika+Mustermann", HTTP_HOST="norderstedt.localhost")
    written = log_output.getvalue()
    assert written  # the 401 and the 404 were logged
    assert "Erika" not in written and "Mustermann" not in written


def test_redact_leaves_plain_text_alone():
    assert redact("Not Found: /leistungen/") == "Not Found: /leistungen/"
