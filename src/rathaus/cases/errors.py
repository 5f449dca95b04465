from __future__ import annotations

from rathaus.core.errors import RathausError

from .constants import CaseErrorCode


class CaseError(RathausError):
    """A refused case operation (codes: ``CaseErrorCode``)."""

    codes = CaseErrorCode
