from __future__ import annotations

from rathaus.core.errors import RathausError

from .constants import RegisterErrorCode


class RegisterError(RathausError):
    """A refused register operation (codes: ``RegisterErrorCode``)."""

    codes = RegisterErrorCode


class MessageInvalid(ValueError):
    """An XML message that does not follow its schema (``messages.py``, ``xmeld/``)."""
