from __future__ import annotations

from .constants import PaymentErrorCode


class PaymentError(Exception):
    """A refused payment operation with a stable ``code`` (see ``PaymentErrorCode``)."""

    def __init__(self, code: PaymentErrorCode, *, details: dict | None = None):
        self.code = code
        self.details = details or {}
        super().__init__(code.value)

    @property
    def message(self) -> str:
        return str(self.code.label)
