from __future__ import annotations

from typing import Any

from .constants import RegisterErrorCode


class RegisterError(Exception):
    """A refused register operation with a stable ``code``."""

    def __init__(self, code: RegisterErrorCode, details: dict[str, Any] | None = None):
        self.code = code
        self.details = details or {}
        super().__init__(code.value)

    @property
    def message(self) -> str:
        return str(self.code.label)


class MessageInvalid(ValueError):
    """An XML message that does not follow its schema (``messages.py``, ``xmeld/``)."""
