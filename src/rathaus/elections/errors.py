from __future__ import annotations

from rathaus.core.errors import RathausError

from .constants import ElectionErrorCode


class ElectionError(RathausError):
    """A refused postal-vote operation (codes: ``ElectionErrorCode``)."""

    codes = ElectionErrorCode
