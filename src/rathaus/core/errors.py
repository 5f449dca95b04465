"""The one base of every refusal a Rathaus service raises on purpose.

Each app keeps its stable codes in a ``TextChoices`` enum (``constants.py``): the value is the
code clients and tests rely on, the label the translated message. The app's error class names
that enum and nothing else::

    class PaymentError(RathausError):
        codes = PaymentErrorCode

    raise PaymentError(PaymentErrorCode.NOT_PERMITTED, details={"reason": "four_eyes"})

Views show ``exc.message`` (the label in the request's language, with ``params`` filled in);
the API answers ``exc.as_dict()`` with the HTTP status its router maps the code to
(``rathaus.api.registry``), so a refusal reads the same on a page and in the API.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.db import models


class RathausError(Exception):
    """A refused operation with a stable ``code`` from the subclass's ``codes`` enum.

    ``details``: machine-readable facts for the API (never personal data); ``params``: values
    the code's label interpolates (``%(max_size)s``).
    """

    codes: ClassVar[type[models.TextChoices]]

    def __init__(self, code: str, details: Mapping[str, Any] | None = None, **params: Any):
        self.code = self.codes(code)
        self.details = dict(details or {})
        self.params = params
        super().__init__(self.code.value)

    @property
    def message(self) -> str:
        """The code's message in the active language."""
        label = str(self.code.label)
        return label % self.params if self.params else label

    def as_dict(self) -> dict[str, Any]:
        """The API's error format (STYLE rule 7): ``{"code", "message", "details"}``."""
        return {"code": self.code.value, "message": self.message, "details": self.details}
