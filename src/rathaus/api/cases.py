"""Case operations for a town's staff systems: list, read, change status, write to the Postfach.

Every operation needs a staff API token of the host's municipality and acts as the token's
acting staff member, through the case engine's access selector and services.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from ninja import Field, Query, Router, Schema, Status

from rathaus.accounts.constants import TrustLevel
from rathaus.cases import selectors as case_selectors
from rathaus.cases import services as case_services
from rathaus.cases.constants import (
    MESSAGE_MAX_LENGTH,
    ActorRole,
    CaseErrorCode,
    CaseStatus,
    Channel,
)
from rathaus.cases.errors import CaseError
from rathaus.cases.models import CaseReadCategory, CaseReadChannel
from rathaus.cases.plugin import procedure_title, procedures
from rathaus.cases.selectors import ASSIGNEE_MINE, ASSIGNEE_NONE
from rathaus.cases.transitions import transitions_available

from . import services
from .auth import ApiTokenAuth
from .constants import CASE_LIST_DEFAULT_LIMIT, CASE_LIST_MAX_LIMIT, CASE_LIST_MAX_OFFSET
from .errors import ErrorOut

router = Router(tags=["cases"], auth=ApiTokenAuth())

# HTTP status of each refusal of the case engine; anything not listed is a 400.
CASE_ERROR_STATUS = {
    CaseErrorCode.TRANSITION_NOT_ALLOWED: 409,
    CaseErrorCode.FOUR_EYES_SAME_CLERK: 409,
    CaseErrorCode.ACTOR_NOT_PERMITTED: 403,
    CaseErrorCode.NOT_BY_HAND: 409,
    CaseErrorCode.REASON_REQUIRED: 422,
    CaseErrorCode.UNKNOWN_STATUS: 422,
    CaseErrorCode.EMPTY_MESSAGE: 422,
    CaseErrorCode.STAGE_NOT_ALLOWED: 409,
    CaseErrorCode.SERVICE_NOT_OFFERED: 404,
    CaseErrorCode.TRUST_LEVEL_TOO_LOW: 403,
    CaseErrorCode.ACCESS_REFUSED: 403,
    CaseErrorCode.ANSWERS_INVALID: 422,
    CaseErrorCode.INCOMPLETE_ANSWERS: 422,
}


# --- schemas -------------------------------------------------------------------------------------
class PersonOut(Schema):
    id: int
    name: str


class CaseOut(Schema):
    reference: str
    procedure: str
    procedure_title: str
    service: str
    channel: str
    status: CaseStatus
    stage: str = Field(..., description="the procedure's own stage, empty before the first")
    applicant_name: str
    assignee: PersonOut | None
    submitted_at: datetime.datetime | None
    decided_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    updated_at: datetime.datetime


class CasePageOut(Schema):
    total: int
    limit: int
    offset: int
    items: list[CaseOut]


class EventOut(Schema):
    from_status: CaseStatus
    to_status: CaseStatus
    from_stage: str
    to_stage: str
    actor_role: str
    rule: str = Field(..., description="the procedure's rule by which the system decided")
    reason: str
    created_at: datetime.datetime


class MessageOut(Schema):
    id: int
    sender_role: str
    body: str
    created_at: datetime.datetime


class CaseDetailOut(CaseOut):
    answers: dict[str, Any]
    history: list[EventOut]
    messages: list[MessageOut]
    transitions: list[CaseStatus] = Field(
        ..., description="the statuses a staff member may move the case to now"
    )


class CaseListQuery(Schema):
    procedure: str | None = Field(None, description="procedure key, e.g. allgemeines-anliegen")
    status: CaseStatus | None = None
    stage: str | None = Field(None, max_length=40, description="a procedure's stage key")
    assignee: str | None = Field(
        None,
        pattern=rf"^({ASSIGNEE_MINE}|{ASSIGNEE_NONE}|[0-9]{{1,18}})$",
        description=f'"{ASSIGNEE_MINE}" (the token\'s acting user), "{ASSIGNEE_NONE}" or a staff '
        "user id",
    )
    overdue: bool = Field(
        False, description="only undecided cases past their procedure's target processing time"
    )
    search: str | None = Field(
        None,
        max_length=200,
        description="a reference number or its beginning, or the applicant's exact full name",
    )
    sort: Literal["-submitted", "submitted", "status", "-status"] = "-submitted"
    limit: int = Field(CASE_LIST_DEFAULT_LIMIT, ge=1, le=CASE_LIST_MAX_LIMIT)
    offset: int = Field(0, ge=0, le=CASE_LIST_MAX_OFFSET)


class TransitionIn(Schema):
    to_status: CaseStatus
    reason: str = Field("", max_length=2000, description="required for rejected, info_requested")


class StageIn(Schema):
    to_stage: str = Field(..., min_length=1, max_length=40, description="a stage of the procedure")
    reason: str = Field("", max_length=2000)


class CaseRecordIn(Schema):
    procedure: str = Field(
        ..., max_length=60, description="procedure key, e.g. allgemeines-anliegen"
    )
    answers: dict[str, Any] = Field(
        ...,
        description="the answers by field name as the procedure's pages ask them; a repeating "
        "group is a list of objects",
    )
    identity_trust_level: TrustLevel | None = Field(
        None,
        description="the applicant's proof of identity as the clerk or the submitting system "
        "verified it; must meet the service's trust level",
    )
    channel: Channel = Channel.COUNTER


class MessageIn(Schema):
    body: str = Field(..., min_length=1, max_length=MESSAGE_MAX_LENGTH)


def _case_out(case) -> dict[str, Any]:
    assignee = case.assignee
    return {
        "reference": case.reference,
        "procedure": case.procedure_key,
        "procedure_title": procedure_title(case.procedure_key),
        "service": case.service_slug,
        "channel": case.channel,
        "status": case.status,
        "stage": case.stage,
        "applicant_name": case.applicant_name,
        "assignee": {"id": assignee.pk, "name": assignee.full_name} if assignee else None,
        "submitted_at": case.submitted_at,
        "decided_at": case.decided_at,
        "closed_at": case.closed_at,
        "updated_at": case.updated_at,
    }


def _message_out(message) -> dict[str, Any]:
    return {
        "id": message.pk,
        "sender_role": message.sender_role,
        "body": message.body,
        "created_at": message.created_at,
    }


def _access(request, reference: str):
    return case_selectors.access_case_for_staff(
        actor=request.auth.acting_user, municipality=request.municipality, reference=reference
    )


# What a staff system sees of a case through ``get_case`` (recorded in the §40 BMG read log).
API_READ_CATEGORIES = [
    CaseReadCategory.ANSWERS,
    CaseReadCategory.HISTORY,
    CaseReadCategory.MESSAGES,
]


# --- operations ----------------------------------------------------------------------------------
@router.get(
    "",
    response={200: CasePageOut, 401: ErrorOut, 422: ErrorOut},
    operation_id="list_cases",
    summary="List cases",
)
def list_cases(request, filters: Query[CaseListQuery]):
    """Submitted cases of the town with the back-office inbox's filters and sorting."""
    cases = case_selectors.case_list_for_staff(
        actor=request.auth.acting_user,
        municipality=request.municipality,
        procedure_key=filters.procedure or "",
        status=filters.status or "",
        stage=filters.stage or "",
        assignee=filters.assignee or "",
        overdue=filters.overdue,
        search=filters.search or "",
        sort=filters.sort,
    )
    window = cases[filters.offset : filters.offset + filters.limit]
    return Status(
        200,
        {
            "total": cases.count(),
            "limit": filters.limit,
            "offset": filters.offset,
            "items": [_case_out(case) for case in window],
        },
    )


@router.get(
    "/{reference}",
    response={200: CaseDetailOut, 401: ErrorOut, 404: ErrorOut},
    operation_id="get_case",
    summary="Read a case",
)
def get_case(request, reference: str):
    """A case with its answers, history and Postfach messages. The read is logged."""
    case = case_services.case_read_logged(
        actor=request.auth.acting_user,
        municipality=request.municipality,
        reference=reference,
        data_categories=API_READ_CATEGORIES,
        channel=CaseReadChannel.API,
    )
    body = _case_out(case)
    body["answers"] = case.answers or {}
    body["history"] = list(case_selectors.case_events(case=case))
    body["messages"] = [_message_out(m) for m in case_selectors.case_messages(case=case)]
    body["transitions"] = transitions_available(
        from_status=case.status,
        actor_role=ActorRole.STAFF,
        procedure=procedures().get(case.procedure_key),
    )
    return Status(200, body)


@router.post(
    "/{reference}/transitions",
    response={
        200: CaseOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    operation_id="transition_case",
    summary="Change a case's status",
)
def transition_case(request, reference: str, payload: TransitionIn):
    """Move the case to ``to_status`` through the case engine's transition table."""
    case = _access(request, reference)
    case = services.api_case_transition(
        token=request.auth, case=case, to_status=payload.to_status, reason=payload.reason
    )
    return Status(200, _case_out(case))


@router.post(
    "/{reference}/messages",
    response={201: MessageOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    operation_id="add_message",
    summary="Write a Postfach message to the applicant",
)
def add_message(request, reference: str, payload: MessageIn):
    """A message from the town to the applicant; the applicant is told by e-mail that something
    new is waiting (never the text)."""
    case = _access(request, reference)
    message = services.api_message_send(token=request.auth, case=case, body=payload.body)
    return Status(201, _message_out(message))


@router.post(
    "",
    response={201: CaseOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    operation_id="record_case",
    summary="Record an application",
)
def record_case(request, payload: CaseRecordIn):
    """A complete application taken in at the counter or by another system, checked as the
    online journey checks it (the town offers the service, the identity proof meets the
    service's trust level, every answer validates, the procedure's cross-page rules pass) and
    submitted at once; the procedure may decide it by rule right away."""
    procedure = procedures().get(payload.procedure)
    if procedure is None:
        raise CaseError(CaseErrorCode.SERVICE_NOT_OFFERED)
    case = services.api_case_record(
        token=request.auth,
        procedure=procedure,
        answers=payload.answers,
        trust_level=payload.identity_trust_level,
        channel=payload.channel,
    )
    return Status(201, _case_out(case))


@router.post(
    "/{reference}/stage",
    response={200: CaseOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    operation_id="set_case_stage",
    summary="Move a case to a stage of its procedure",
)
def set_case_stage(request, reference: str, payload: StageIn):
    """Move the case to one of its procedure's own stages through the procedure's stage table."""
    case = _access(request, reference)
    case = services.api_case_stage_set(
        token=request.auth, case=case, to_stage=payload.to_stage, reason=payload.reason
    )
    return Status(200, _case_out(case))
