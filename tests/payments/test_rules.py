"""Pure rules without a database: Kassenzeichen check digit and the payment transition table."""

import itertools

import pytest

from rathaus.payments.constants import PLATFORM_STATUS_MAP, PaymentStatus, PlatformStatus
from rathaus.payments.errors import PaymentError
from rathaus.payments.kassenzeichen import (
    check_digit,
    kassenzeichen_build,
    kassenzeichen_display,
    kassenzeichen_is_valid,
)
from rathaus.payments.transitions import ALLOWED_TRANSITIONS, is_late_payment, transition_check

P = PaymentStatus

EXPECTED = {
    (P.OPEN, P.PENDING), (P.OPEN, P.PAID), (P.OPEN, P.FAILED), (P.OPEN, P.CANCELLED),
    (P.OPEN, P.EXPIRED),
    (P.PENDING, P.PAID), (P.PENDING, P.FAILED), (P.PENDING, P.CANCELLED), (P.PENDING, P.EXPIRED),
    (P.FAILED, P.PAID), (P.CANCELLED, P.PAID), (P.EXPIRED, P.PAID),
    (P.FAILED, P.OPEN), (P.CANCELLED, P.OPEN), (P.EXPIRED, P.OPEN),
    (P.PAID, P.REFUNDED),
}  # fmt: skip


def test_kassenzeichen_layout_and_check_digit():
    value = kassenzeichen_build(ags="01060063", year=2026, sequence=1)
    assert value == "01060063" + "26" + "0000001" + check_digit("01060063260000001")
    assert len(value) == 18
    assert kassenzeichen_is_valid(value)
    assert kassenzeichen_display(value) == "0106 0063 2600 0000 18"


def test_check_digit_known_value():
    # Weights 2,3,4,5,6,7 from the right: 1*2 + 2*3 + 3*4 = 20; 11 - 20 % 11 = 2.
    assert check_digit("321") == "2"
    # 11 - 0 % 11 = 11 → written as 0.
    assert check_digit("0") == "0"


@pytest.mark.parametrize("position", range(17))
def test_every_single_wrong_digit_is_caught(position):
    value = kassenzeichen_build(ags="01062060", year=2026, sequence=4711)
    for digit in "0123456789":
        if digit == value[position]:
            continue
        typo = value[:position] + digit + value[position + 1 :]
        assert not kassenzeichen_is_valid(typo), typo


def test_garbage_is_not_valid():
    assert not kassenzeichen_is_valid("")
    assert not kassenzeichen_is_valid("0106-0063")
    with pytest.raises(ValueError):
        check_digit("12a")


def test_table_matches_the_documented_table():
    actual = {(s, t) for s, targets in ALLOWED_TRANSITIONS.items() for t in targets}
    assert actual == EXPECTED


@pytest.mark.parametrize(("source", "target"), list(itertools.product(P, P)))
def test_every_move_is_checked(source, target):
    if (source, target) in EXPECTED:
        transition_check(from_status=source, to_status=target)
    else:
        with pytest.raises(PaymentError):
            transition_check(from_status=source, to_status=target)


def test_late_payment_only_after_giving_up():
    assert is_late_payment(from_status=P.FAILED, to_status=P.PAID)
    assert is_late_payment(from_status=P.EXPIRED, to_status=P.PAID)
    assert not is_late_payment(from_status=P.PENDING, to_status=P.PAID)


def test_every_platform_status_is_mapped():
    assert set(PLATFORM_STATUS_MAP) == set(PlatformStatus)
