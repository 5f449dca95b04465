from __future__ import annotations

from typing import Any

from .constants import ElectionErrorCode


class ElectionError(Exception):
    """A refused postal-vote operation with a stable ``code``."""

    def __init__(self, code: ElectionErrorCode, details: dict[str, Any] | None = None):
        self.code = code
        self.details = details or {}
        super().__init__(code.value)

    @property
    def message(self) -> str:
        return str(self.code.label)
