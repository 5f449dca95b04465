import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .constants import LEIKA_DIGITS, LEIKA_PREFIX

LEIKA_KEY_PATTERN = re.compile(rf"{re.escape(LEIKA_PREFIX)}[0-9]{{{LEIKA_DIGITS}}}")
LEIKA_KEY_INVALID = _(
    "Enter a LeiKa key as urn:de:fim:leika:leistung: followed by exactly 14 digits."
)


def validate_leika_key(value: str) -> None:
    """A FIM service catalogue (LeiKa) key: ``urn:de:fim:leika:leistung:`` + 14 digits."""
    if not LEIKA_KEY_PATTERN.fullmatch(value or ""):
        raise ValidationError(LEIKA_KEY_INVALID, code="invalid_leika_key")
