"""Fee rules are pure: no database."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from rathaus.catalogue.constants import FeeKind
from rathaus.catalogue.fees import (
    BirthDateRequired,
    FeeRule,
    age_on,
    fee_for,
    fee_rule_from_json,
)


def _bands(*pairs):
    return {"kind": "age_bands", "bands": [{"min_age": a, "amount": m} for a, m in pairs]}


PERSONALAUSWEIS = FeeRule.age_bands([(0, "27.60"), (24, "46.00")])
TODAY = date(2026, 6, 15)


def test_personalausweis_from_24_costs_46():
    assert fee_for(PERSONALAUSWEIS, birth_date=date(1990, 1, 1), on=TODAY) == Decimal("46.00")


def test_personalausweis_under_24_costs_27_60():
    assert fee_for(PERSONALAUSWEIS, birth_date=date(2010, 3, 3), on=TODAY) == Decimal("27.60")


def test_personalausweis_on_the_24th_birthday_is_the_adult_fee():
    born = date(2002, 6, 15)
    assert fee_for(PERSONALAUSWEIS, birth_date=born, on=date(2026, 6, 14)) == Decimal("27.60")
    assert fee_for(PERSONALAUSWEIS, birth_date=born, on=date(2026, 6, 15)) == Decimal("46.00")


def test_born_on_29_february_completes_the_year_on_1_march_in_a_common_year():
    born = date(2004, 2, 29)  # turns 23 in 2027 (common year), 24 in 2028 (leap year)
    assert age_on(born, date(2027, 2, 28)) == 22
    assert age_on(born, date(2027, 3, 1)) == 23
    assert age_on(born, date(2028, 2, 28)) == 23
    assert age_on(born, date(2028, 2, 29)) == 24
    assert fee_for(PERSONALAUSWEIS, birth_date=born, on=date(2028, 2, 28)) == Decimal("27.60")
    assert fee_for(PERSONALAUSWEIS, birth_date=born, on=date(2028, 2, 29)) == Decimal("46.00")


def test_birthday_edges_around_new_year():
    born = date(2002, 1, 1)
    assert age_on(born, date(2025, 12, 31)) == 23
    assert age_on(born, date(2026, 1, 1)) == 24
    assert fee_for(PERSONALAUSWEIS, birth_date=born, on=date(2025, 12, 31)) == Decimal("27.60")
    assert fee_for(PERSONALAUSWEIS, birth_date=born, on=date(2026, 1, 1)) == Decimal("46.00")


def test_age_before_birth_is_rejected():
    with pytest.raises(ValueError):
        age_on(date(2026, 1, 2), date(2026, 1, 1))


def test_fuehrungszeugnis_costs_13():
    assert fee_for(FeeRule.fixed("13.00"), on=TODAY) == Decimal("13.00")
    assert fee_for(FeeRule.fixed("13"), on=TODAY) == Decimal("13.00")


def test_free_service_costs_nothing():
    assert fee_for(FeeRule.free(), on=TODAY) == Decimal("0.00")
    assert fee_for(FeeRule.free(), birth_date=date(1950, 1, 1), on=TODAY) == Decimal("0.00")


def test_age_dependent_fee_needs_the_birth_date():
    with pytest.raises(BirthDateRequired):
        fee_for(PERSONALAUSWEIS, on=TODAY)


def test_bands_know_their_upper_age():
    first, second = PERSONALAUSWEIS.bands
    assert (first.min_age, first.max_age, first.amount) == (0, 23, Decimal("27.60"))
    assert (second.min_age, second.max_age, second.amount) == (24, None, Decimal("46.00"))


def test_three_bands_pick_the_right_one():
    rule = FeeRule.age_bands([(0, "0.00"), (14, "5.00"), (65, "2.50")])
    born = date(2000, 1, 1)
    assert fee_for(rule, birth_date=born, on=date(2013, 12, 31)) == Decimal("0.00")
    assert fee_for(rule, birth_date=born, on=date(2014, 1, 1)) == Decimal("5.00")
    assert fee_for(rule, birth_date=born, on=date(2065, 1, 1)) == Decimal("2.50")


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "free"},
        {"kind": "fixed", "amount": "7.50"},
        _bands((0, "27.60"), (24, "46.00")),
    ],
)
def test_json_round_trip(data):
    assert fee_rule_from_json(data).to_json() == data


@pytest.mark.parametrize(
    "data",
    [
        None,
        "free",
        {"kind": "gratis"},
        {"kind": "fixed"},
        {"kind": "fixed", "amount": "-1.00"},
        {"kind": "fixed", "amount": "7.505"},
        {"kind": "fixed", "amount": 7.5},
        {"kind": "fixed", "amount": "sieben"},
        {"kind": "age_bands", "bands": []},
        {"kind": "age_bands", "bands": [{"min_age": 1, "amount": "1.00"}]},
        _bands((0, "1.00"), (0, "2.00")),
        _bands((0, "1.00"), ("24", "2.00")),
        _bands((0, "1.00"), (-1, "2.00")),
    ],
)
def test_invalid_rules_are_rejected_with_a_message(data):
    with pytest.raises(ValidationError) as info:
        fee_rule_from_json(data)
    assert info.value.messages[0]


def test_kinds():
    assert PERSONALAUSWEIS.kind == FeeKind.AGE_BANDS and PERSONALAUSWEIS.depends_on_age
    assert FeeRule.free().is_free


def test_options_are_named_amounts_kept_with_the_rule():
    data = {**_bands((0, "27.60"), (24, "46.00")), "options": {"post": "15.00", "photo": "6.00"}}
    rule = fee_rule_from_json(data)
    assert rule.option("post") == Decimal("15.00") and rule.option("photo") == Decimal("6.00")
    assert fee_rule_from_json(rule.to_json()) == rule
    assert rule.to_json()["options"] == {"photo": "6.00", "post": "15.00"}
    with pytest.raises(KeyError):
        rule.option("express")


@pytest.mark.parametrize(
    "options",
    [["15.00"], {"Post Versand": "15.00"}, {"post": "15.5555"}, {"post": -1}, {"post": 1.5}],
)
def test_invalid_options_are_rejected_with_a_message(options):
    with pytest.raises(ValidationError) as excinfo:
        fee_rule_from_json({"kind": "fixed", "amount": "13.00", "options": options})
    assert excinfo.value.messages
