"""Kassenzeichen (cash reference): ``<AGS 8 digits><year 2 digits><sequence 7 digits><check>``.

The check digit is the mod-11 digit with weights 2, 3, 4, 5, 6, 7 repeating from the right
(the scheme of many German account and reference numbers); a remainder giving 10 is written
as 0. It catches every single wrong digit and most swaps of neighbouring digits when a
citizen or the finance office types the number. Pure functions, no database.
"""

from __future__ import annotations

from .constants import KASSENZEICHEN_SEQUENCE_DIGITS


def check_digit(digits: str) -> str:
    if not digits.isdigit():
        raise ValueError("a Kassenzeichen body consists of digits only")
    total = 0
    for position, char in enumerate(reversed(digits)):
        total += int(char) * (2 + position % 6)
    remainder = 11 - total % 11
    return "0" if remainder >= 10 else str(remainder)


def kassenzeichen_build(*, ags: str, year: int, sequence: int) -> str:
    body = f"{ags}{year % 100:02d}{sequence:0{KASSENZEICHEN_SEQUENCE_DIGITS}d}"
    return body + check_digit(body)


def kassenzeichen_is_valid(value: str) -> bool:
    value = (value or "").replace(" ", "")
    return len(value) > 1 and value.isdigit() and check_digit(value[:-1]) == value[-1]


def kassenzeichen_display(value: str) -> str:
    """Groups of four for printing on receipts: ``0106 0063 2600 0001 25``."""
    return " ".join(value[i : i + 4] for i in range(0, len(value), 4))
