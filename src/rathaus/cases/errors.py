from __future__ import annotations

from .constants import CaseErrorCode


class CaseError(Exception):
    """A refused case operation with a stable ``code`` (see ``CaseErrorCode``)."""

    def __init__(self, code: CaseErrorCode, *, details: dict | None = None):
        self.code = code
        self.details = details or {}
        super().__init__(code.value)

    @property
    def message(self) -> str:
        return str(self.code.label)
