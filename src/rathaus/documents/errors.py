from __future__ import annotations

from rathaus.core.errors import RathausError

from .constants import DocumentErrorCode


class DocumentError(RathausError):
    """A refused document operation (codes: ``DocumentErrorCode``)."""

    codes = DocumentErrorCode
