from __future__ import annotations

from rathaus.core.errors import RathausError

from .constants import KioskErrorCode


class KioskError(RathausError):
    """A refused enrolment (codes: ``constants.KioskErrorCode``)."""

    codes = KioskErrorCode
