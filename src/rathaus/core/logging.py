"""JSON log lines for production. Only the record's message and safe metadata are emitted; the
request object (which would carry paths, query strings and user data) is never serialised.

``RedactFilter`` (on every handler) removes what a message could still carry: the values of query
strings (a name searched in the back office or the API, ``?search=Erika+Mustermann``) and e-mail
addresses. Parameter names stay, so a log still says which filter was used."""

import json
import logging
import re
from datetime import UTC, datetime

QUERY_VALUE = re.compile(r"([?&][^=\s\"&#?]+)=[^&\s\"#]*")
EMAIL = re.compile(r"[^\s\"'<>@/?&=]+@[^\s\"'<>@/?&]+\.[A-Za-z]{2,}")
REDACTED = "…"


def redact(text: str) -> str:
    return EMAIL.sub("[e-mail]", QUERY_VALUE.sub(rf"\1={REDACTED}", text))


class RedactFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


SAFE_EXTRA_KEYS = ("status_code", "event", "municipality", "duration_ms", "request_id")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "ts": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in SAFE_EXTRA_KEYS:
            if hasattr(record, key):
                payload[key] = getattr(record, key)
        if record.exc_info:
            payload["exc_type"] = record.exc_info[0].__name__ if record.exc_info[0] else None
        return json.dumps(payload, ensure_ascii=False, default=str)
