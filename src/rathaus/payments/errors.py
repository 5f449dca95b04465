from __future__ import annotations

from rathaus.core.errors import RathausError

from .constants import PaymentErrorCode


class PaymentError(RathausError):
    """A refused payment operation (codes: ``PaymentErrorCode``)."""

    codes = PaymentErrorCode
