"""The explicit table of allowed status changes. Pure rules: no database access here.

``ALLOWED_TRANSITIONS[from_status][to_status]`` is the set of actor roles that may make the move.
A move missing from the table is refused. A procedure may keep a move for fewer roles
(``Procedure.transition_roles``: a Führungszeugnis is completed by the federal register's
receipt, not by a clerk); it never opens one the table refuses. Only
``services.case_transition`` changes a case's status.
"""

from __future__ import annotations

from .constants import ActorRole, CaseErrorCode, CaseStatus
from .errors import CaseError
from .plugin.procedure import STAGE_STATUSES

S = CaseStatus
CITIZEN = ActorRole.CITIZEN
STAFF = ActorRole.STAFF
SYSTEM = ActorRole.SYSTEM

ALLOWED_TRANSITIONS: dict[CaseStatus, dict[CaseStatus, frozenset[ActorRole]]] = {
    S.DRAFT: {
        # Submitting is the applicant's act; a clerk records counter submissions for them.
        S.SUBMITTED: frozenset({CITIZEN, STAFF}),
    },
    S.AWAITING_PAYMENT: {
        # Released to the back office when the payment is booked (system) or a clerk waives
        # the fee (staff, with a reason checked by rathaus.payments).
        S.SUBMITTED: frozenset({STAFF, SYSTEM}),
        S.WITHDRAWN: frozenset({CITIZEN}),
    },
    S.SUBMITTED: {
        # A paid procedure's case waits for its payment (set by rathaus.payments on submit).
        S.AWAITING_PAYMENT: frozenset({SYSTEM}),
        S.IN_REVIEW: frozenset({STAFF}),
        # The system decides by a procedure's rule (``Procedure.decide``), recorded with it.
        S.APPROVED: frozenset({SYSTEM}),
        S.REJECTED: frozenset({STAFF, SYSTEM}),
        S.WITHDRAWN: frozenset({CITIZEN}),
    },
    S.IN_REVIEW: {
        S.INFO_REQUESTED: frozenset({STAFF}),
        # The system too: a procedure's rule decides again once the citizen supplies what the
        # clerk waited for (``services.case_decide``; a code letter's code, §23a(3) BMG).
        S.APPROVED: frozenset({STAFF, SYSTEM}),
        S.REJECTED: frozenset({STAFF}),
        S.WITHDRAWN: frozenset({CITIZEN}),
    },
    S.INFO_REQUESTED: {
        # The citizen's answer puts the case back on the clerk's desk; a clerk may resume it too.
        S.IN_REVIEW: frozenset({CITIZEN, STAFF}),
        S.APPROVED: frozenset({SYSTEM}),
        S.REJECTED: frozenset({STAFF}),
        S.WITHDRAWN: frozenset({CITIZEN}),
    },
    S.APPROVED: {
        S.COMPLETED: frozenset({STAFF, SYSTEM}),
    },
    S.COMPLETED: {},
    S.REJECTED: {},
    S.WITHDRAWN: {},
}

# Moves whose reason the citizen must be told (a rejection, a request for information).
REASON_REQUIRED_FOR = frozenset({S.REJECTED, S.INFO_REQUESTED})


def _procedure_roles(procedure, target: CaseStatus) -> frozenset[ActorRole] | None:
    """The roles ``procedure`` keeps the move to ``target`` for (None: the engine's table)."""
    if procedure is None:
        return None
    return procedure.transition_roles.get(target)


def transition_check(
    *,
    from_status: str,
    to_status: str,
    actor_role: ActorRole,
    reason: str = "",
    procedure=None,
) -> None:
    """Raise ``CaseError`` unless ``actor_role`` may move a case (of ``procedure``, when given)
    from ``from_status`` to ``to_status`` (with ``reason`` where one is required)."""
    try:
        source, target = CaseStatus(from_status), CaseStatus(to_status)
    except ValueError as exc:
        raise CaseError(CaseErrorCode.UNKNOWN_STATUS) from exc
    roles = ALLOWED_TRANSITIONS[source].get(target)
    if roles is None:
        raise CaseError(
            CaseErrorCode.TRANSITION_NOT_ALLOWED,
            details={"from": source.value, "to": target.value},
        )
    if actor_role not in roles:
        raise CaseError(
            CaseErrorCode.ACTOR_NOT_PERMITTED,
            details={"from": source.value, "to": target.value, "role": str(actor_role)},
        )
    kept = _procedure_roles(procedure, target)
    if kept is not None and actor_role not in kept:
        raise CaseError(
            CaseErrorCode.NOT_BY_HAND,
            details={"from": source.value, "to": target.value, "role": str(actor_role)},
        )
    if target in REASON_REQUIRED_FOR and not reason.strip():
        raise CaseError(CaseErrorCode.REASON_REQUIRED, details={"to": target.value})


def stage_check(
    *, procedure, status: str, from_stage: str, to_stage: str, actor_role: ActorRole
) -> None:
    """Raise ``CaseError`` unless ``actor_role`` may move a case of ``procedure`` from its stage
    ``from_stage`` to ``to_stage`` (the procedure's ``stage_transitions`` table) while the case
    is in ``status``. Stages move only between submitting and closing."""
    if status not in STAGE_STATUSES or procedure.stage(to_stage) is None:
        raise CaseError(
            CaseErrorCode.STAGE_NOT_ALLOWED, details={"from": from_stage, "to": to_stage}
        )
    roles = procedure.stage_roles(from_stage=from_stage, to_stage=to_stage)
    if roles is None:
        raise CaseError(
            CaseErrorCode.STAGE_NOT_ALLOWED, details={"from": from_stage, "to": to_stage}
        )
    if actor_role not in roles:
        raise CaseError(
            CaseErrorCode.ACTOR_NOT_PERMITTED,
            details={"from": from_stage, "to": to_stage, "role": str(actor_role)},
        )


def transitions_available(
    *, from_status: str, actor_role: ActorRole, procedure=None
) -> list[CaseStatus]:
    """The statuses ``actor_role`` may move a case (of ``procedure``, when given) to from
    ``from_status`` (for buttons): exactly the moves ``transition_check`` lets through."""
    return [
        target
        for target, roles in ALLOWED_TRANSITIONS[CaseStatus(from_status)].items()
        if actor_role in roles
        and actor_role in (_procedure_roles(procedure, target) or frozenset({actor_role}))
    ]


def citizen_may_withdraw(status: str) -> bool:
    return CaseStatus.WITHDRAWN in transitions_available(
        from_status=status, actor_role=ActorRole.CITIZEN
    )
