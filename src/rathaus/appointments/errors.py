from __future__ import annotations

from rathaus.core.errors import RathausError

from .constants import ErrorCode


class AppointmentError(RathausError):
    """A refused booking, hold or queue operation (codes: ``constants.ErrorCode``)."""

    codes = ErrorCode
