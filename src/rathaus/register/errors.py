from __future__ import annotations

from rathaus.core.errors import RathausError

from .constants import RegisterErrorCode


class RegisterError(RathausError):
    """A refused register operation (codes: ``RegisterErrorCode``)."""

    codes = RegisterErrorCode
