from __future__ import annotations

from .constants import DocumentErrorCode


class DocumentError(Exception):
    """A refused document operation with a stable ``code``."""

    def __init__(self, code: DocumentErrorCode):
        self.code = code
        super().__init__(code.value)

    @property
    def message(self) -> str:
        return str(self.code.label)
