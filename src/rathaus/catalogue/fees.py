"""Fee rules of the catalogue: pure functions, no database.

A rule is stored as JSON on ``Service.fee_rule`` (and optionally on
``MunicipalityService.fee_override``) in one of three shapes::

    {"kind": "free"}
    {"kind": "fixed", "amount": "13.00"}
    {"kind": "age_bands", "bands": [{"min_age": 0, "amount": "27.60"},
                                    {"min_age": 24, "amount": "46.00"}]}

Age bands are ordered by ``min_age``; the first starts at 0, and each band runs until the next
one starts (so there are no gaps). Amounts are Euro with two decimals.

Any rule may carry named ``options``: amounts a procedure adds or uses instead for a choice the
applicant makes (an ID card sent by post, a provisional card), so that they too live in the
catalogue and not in code::

    {"kind": "age_bands", "bands": [...], "options": {"post": "15.00", "provisional": "10.00"}}
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import FeeKind

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_AGE = 150
OPTION_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")

FEE_RULE_INVALID = _("Enter a valid fee rule.")
FEE_AMOUNT_INVALID = _("Enter an amount in euros with at most two decimal places, e.g. 7.50.")
FEE_OPTIONS_INVALID = _(
    "Options must map short names (letters, digits, hyphens) to amounts in euros."
)
FEE_BANDS_INVALID = _(
    "Age bands must start at age 0 and be ordered by rising minimum age without repeats."
)


class BirthDateRequired(ValueError):
    """An age-dependent fee cannot be computed without the applicant's date of birth."""


@dataclass(frozen=True)
class AgeBand:
    min_age: int
    amount: Decimal
    #: Last age (inclusive) of this band, or None for "and older". Derived from the next band.
    max_age: int | None = None


@dataclass(frozen=True)
class FeeRule:
    kind: FeeKind
    amount: Decimal = ZERO
    bands: tuple[AgeBand, ...] = ()
    options: tuple[tuple[str, Decimal], ...] = ()

    def option(self, name: str) -> Decimal:
        """The amount of the named option (KeyError when the catalogue lacks it)."""
        return dict(self.options)[name]

    @property
    def is_free(self) -> bool:
        return self.kind == FeeKind.FREE

    @property
    def depends_on_age(self) -> bool:
        return self.kind == FeeKind.AGE_BANDS

    def to_json(self) -> dict[str, Any]:
        if self.kind == FeeKind.FIXED:
            data = {"kind": FeeKind.FIXED.value, "amount": str(self.amount)}
        elif self.kind == FeeKind.AGE_BANDS:
            bands = [{"min_age": b.min_age, "amount": str(b.amount)} for b in self.bands]
            data = {"kind": FeeKind.AGE_BANDS.value, "bands": bands}
        else:
            data = {"kind": FeeKind.FREE.value}
        if self.options:
            data["options"] = {name: str(amount) for name, amount in self.options}
        return data

    @classmethod
    def free(cls) -> FeeRule:
        return cls(kind=FeeKind.FREE)

    @classmethod
    def fixed(cls, amount: str | Decimal) -> FeeRule:
        return cls(kind=FeeKind.FIXED, amount=parse_amount(amount))

    @classmethod
    def age_bands(cls, bands: list[tuple[int, str | Decimal]]) -> FeeRule:
        return fee_rule_from_json(
            {
                "kind": FeeKind.AGE_BANDS.value,
                "bands": [{"min_age": age, "amount": str(amount)} for age, amount in bands],
            }
        )


def parse_amount(value: Any) -> Decimal:
    if isinstance(value, float | bool):  # floats lose cents; refuse them
        raise ValidationError(FEE_AMOUNT_INVALID, code="invalid_amount")
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(FEE_AMOUNT_INVALID, code="invalid_amount") from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(CENT):
        raise ValidationError(FEE_AMOUNT_INVALID, code="invalid_amount")
    return amount.quantize(CENT)


def fee_rule_from_json(data: Any) -> FeeRule:
    """Parse and validate a stored rule; raises ValidationError with a translated message."""
    if not isinstance(data, Mapping):
        raise ValidationError(FEE_RULE_INVALID, code="invalid_fee_rule")
    rule = _fee_rule_base(data)
    options = _options_parse(data.get("options", {}))
    return dataclasses.replace(rule, options=options) if options else rule


def _options_parse(raw: Any) -> tuple[tuple[str, Decimal], ...]:
    if not isinstance(raw, Mapping) or not all(
        isinstance(name, str) and OPTION_NAME.fullmatch(name) for name in raw
    ):
        raise ValidationError(FEE_OPTIONS_INVALID, code="invalid_options")
    return tuple(sorted((name, parse_amount(amount)) for name, amount in raw.items()))


def _fee_rule_base(data: Mapping) -> FeeRule:
    kind = data.get("kind")
    if kind == FeeKind.FREE:
        return FeeRule.free()
    if kind == FeeKind.FIXED:
        return FeeRule(kind=FeeKind.FIXED, amount=parse_amount(data.get("amount")))
    if kind == FeeKind.AGE_BANDS:
        raw = data.get("bands")
        if not isinstance(raw, list) or not raw:
            raise ValidationError(FEE_BANDS_INVALID, code="invalid_bands")
        parsed: list[tuple[int, Decimal]] = []
        for item in raw:
            if not isinstance(item, Mapping):
                raise ValidationError(FEE_BANDS_INVALID, code="invalid_bands")
            min_age = item.get("min_age")
            if not isinstance(min_age, int) or isinstance(min_age, bool):
                raise ValidationError(FEE_BANDS_INVALID, code="invalid_bands")
            if not 0 <= min_age <= MAX_AGE:
                raise ValidationError(FEE_BANDS_INVALID, code="invalid_bands")
            parsed.append((min_age, parse_amount(item.get("amount"))))
        ages = [age for age, _amount in parsed]
        if ages[0] != 0 or any(b <= a for a, b in pairwise(ages)):
            raise ValidationError(FEE_BANDS_INVALID, code="invalid_bands")
        bands = tuple(
            AgeBand(
                min_age=age,
                amount=amount,
                max_age=parsed[index + 1][0] - 1 if index + 1 < len(parsed) else None,
            )
            for index, (age, amount) in enumerate(parsed)
        )
        return FeeRule(kind=FeeKind.AGE_BANDS, bands=bands)
    raise ValidationError(FEE_RULE_INVALID, code="invalid_fee_rule")


def validate_fee_rule(value: Any) -> None:
    """Model field validator for the JSON form of a rule."""
    fee_rule_from_json(value)


def age_on(birth_date: date, on: date) -> int:
    """Completed years of life on ``on``.

    A year is completed at the start of the birthday. Someone born on 29 February completes
    the year on 1 March in a common year (the 28th is still the day before), as §§ 187(2),
    188(2) BGB count it.
    """
    if on < birth_date:
        raise ValueError("date lies before the date of birth")
    before_birthday = (on.month, on.day) < (birth_date.month, birth_date.day)
    return on.year - birth_date.year - int(before_birthday)


def fee_for(rule: FeeRule, *, birth_date: date | None = None, on: date | None = None) -> Decimal:
    """The fee in EUR for ``rule`` on the day ``on`` (default: today in Europe/Berlin)."""
    if rule.kind == FeeKind.FREE:
        return ZERO
    if rule.kind == FeeKind.FIXED:
        return rule.amount.quantize(CENT)
    if birth_date is None:
        raise BirthDateRequired("this fee depends on the applicant's age")
    age = age_on(birth_date, on or timezone.localdate())
    amount = rule.bands[0].amount
    for band in rule.bands:
        if age >= band.min_age:
            amount = band.amount
    return amount.quantize(CENT)
