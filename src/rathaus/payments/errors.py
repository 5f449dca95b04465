from __future__ import annotations

from rathaus.core.errors import RathausError

from .constants import PaymentErrorCode


class PaymentError(RathausError):
    """A refused payment operation (codes: ``PaymentErrorCode``)."""

    codes = PaymentErrorCode


class ReconciliationIncomplete(Exception):
    """A reconciliation run asked about every payment it could, but failed on some (a database
    error, a bug): their ids, each logged with its error. The run's task fails with this, so the
    operator sees it; the next run tries those payments again."""

    def __init__(self, *, failed: list[int], asked: int):
        self.failed = failed
        self.asked = asked
        super().__init__(
            f"reconciliation failed for {len(failed)} payment(s): "
            + ", ".join(str(pk) for pk in failed)
        )
