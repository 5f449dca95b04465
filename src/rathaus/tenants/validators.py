import re

from django.core.exceptions import ValidationError

from .constants import AGS_INVALID, AGS_STATE_PREFIX

AGS_PATTERN = re.compile(r"\A[0-9]{8}\Z")  # ASCII digits only; no trailing newline


def validate_ags(value: str) -> None:
    if (
        not isinstance(value, str)
        or not AGS_PATTERN.match(value)
        or value[:2] not in AGS_STATE_PREFIX
    ):
        raise ValidationError(AGS_INVALID, code="invalid_ags")
