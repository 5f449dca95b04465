"""The transition table, without a database: every allowed and every forbidden move."""

import itertools

import pytest

from rathaus.cases.constants import ActorRole, CaseErrorCode, CaseStatus
from rathaus.cases.errors import CaseError
from rathaus.cases.transitions import (
    ALLOWED_TRANSITIONS,
    REASON_REQUIRED_FOR,
    citizen_may_withdraw,
    transition_check,
    transitions_available,
)

S = CaseStatus
C, T, Y = ActorRole.CITIZEN, ActorRole.STAFF, ActorRole.SYSTEM

# The intended table, written out independently of the implementation.
EXPECTED = {
    (S.DRAFT, S.SUBMITTED): {C, T},
    (S.AWAITING_PAYMENT, S.SUBMITTED): {T, Y},
    (S.AWAITING_PAYMENT, S.WITHDRAWN): {C},
    (S.SUBMITTED, S.AWAITING_PAYMENT): {Y},
    (S.SUBMITTED, S.IN_REVIEW): {T},
    # The system decides by a procedure's rule (Procedure.decide).
    (S.SUBMITTED, S.APPROVED): {Y},
    (S.SUBMITTED, S.REJECTED): {T, Y},
    (S.SUBMITTED, S.WITHDRAWN): {C},
    (S.IN_REVIEW, S.INFO_REQUESTED): {T},
    # ... and again when the citizen supplies what the clerk waited for (case_rule_recheck).
    (S.IN_REVIEW, S.APPROVED): {T, Y},
    (S.IN_REVIEW, S.REJECTED): {T},
    (S.IN_REVIEW, S.WITHDRAWN): {C},
    (S.INFO_REQUESTED, S.IN_REVIEW): {C, T},
    (S.INFO_REQUESTED, S.APPROVED): {Y},
    (S.INFO_REQUESTED, S.REJECTED): {T},
    (S.INFO_REQUESTED, S.WITHDRAWN): {C},
    (S.APPROVED, S.COMPLETED): {T, Y},
}
ALL_MOVES = [
    (source, target, role)
    for source, target in itertools.product(CaseStatus, CaseStatus)
    for role in ActorRole
]


def test_table_has_every_status_as_source():
    assert set(ALLOWED_TRANSITIONS) == set(CaseStatus)


def test_table_matches_the_documented_table():
    actual = {
        (source, target): set(roles)
        for source, targets in ALLOWED_TRANSITIONS.items()
        for target, roles in targets.items()
    }
    assert actual == EXPECTED


@pytest.mark.parametrize(
    ("source", "target", "role"),
    [move for move in ALL_MOVES if move[2] in EXPECTED.get(move[:2], set())],
)
def test_allowed_move(source, target, role):
    transition_check(from_status=source, to_status=target, actor_role=role, reason="Grund")


@pytest.mark.parametrize(
    ("source", "target", "role"),
    [move for move in ALL_MOVES if move[2] not in EXPECTED.get(move[:2], set())],
)
def test_forbidden_move(source, target, role):
    with pytest.raises(CaseError) as excinfo:
        transition_check(from_status=source, to_status=target, actor_role=role, reason="Grund")
    expected = (
        CaseErrorCode.ACTOR_NOT_PERMITTED
        if (source, target) in EXPECTED
        else CaseErrorCode.TRANSITION_NOT_ALLOWED
    )
    assert excinfo.value.code == expected


@pytest.mark.parametrize("target", sorted(REASON_REQUIRED_FOR))
def test_rejection_and_information_request_need_a_reason(target):
    with pytest.raises(CaseError) as excinfo:
        transition_check(from_status=S.IN_REVIEW, to_status=target, actor_role=T, reason="  ")
    assert excinfo.value.code == CaseErrorCode.REASON_REQUIRED


def test_unknown_status_is_refused_with_a_code():
    with pytest.raises(CaseError) as excinfo:
        transition_check(from_status="draft", to_status="paid", actor_role=T)
    assert excinfo.value.code == CaseErrorCode.UNKNOWN_STATUS


@pytest.mark.parametrize("status", list(CaseStatus))
def test_citizen_may_withdraw_until_a_decision(status):
    expected = status in {S.AWAITING_PAYMENT, S.SUBMITTED, S.IN_REVIEW, S.INFO_REQUESTED}
    assert citizen_may_withdraw(status) is expected


def test_available_transitions_for_staff_in_review():
    assert set(transitions_available(from_status=S.IN_REVIEW, actor_role=T)) == {
        S.INFO_REQUESTED,
        S.APPROVED,
        S.REJECTED,
    }


class _KeepsCompletionForTheSystem:
    """A procedure that narrows the table (as the Führungszeugnis does)."""

    transition_roles = {S.COMPLETED: frozenset({Y})}


def test_a_procedure_keeps_a_move_for_fewer_roles_and_never_opens_one():
    procedure = _KeepsCompletionForTheSystem()
    assert S.COMPLETED in transitions_available(from_status=S.APPROVED, actor_role=T)
    assert transitions_available(from_status=S.APPROVED, actor_role=T, procedure=procedure) == []
    assert transitions_available(from_status=S.APPROVED, actor_role=Y, procedure=procedure) == [
        S.COMPLETED
    ]
    with pytest.raises(CaseError) as refused:
        transition_check(
            from_status=S.APPROVED, to_status=S.COMPLETED, actor_role=T, procedure=procedure
        )
    assert refused.value.code == CaseErrorCode.NOT_BY_HAND
    transition_check(
        from_status=S.APPROVED, to_status=S.COMPLETED, actor_role=Y, procedure=procedure
    )
    # The table's refusals stay what they were.
    with pytest.raises(CaseError) as refused:
        transition_check(
            from_status=S.IN_REVIEW, to_status=S.COMPLETED, actor_role=Y, procedure=procedure
        )
    assert refused.value.code == CaseErrorCode.TRANSITION_NOT_ALLOWED
