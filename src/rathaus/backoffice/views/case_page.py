"""A case's page for the town's staff (a logged read), with the one-click moves that decide
nothing: into review, to a stage of the procedure, a code letter."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rathaus.accounts.decorators import staff_required
from rathaus.cases import selectors, services
from rathaus.cases.constants import ActorRole, CaseStatus
from rathaus.cases.errors import CaseError
from rathaus.cases.plugin import procedure_get_or_404
from rathaus.cases.transitions import STAGE_STATUSES, transitions_available
from rathaus.documents import selectors as document_selectors
from rathaus.payments import selectors as payment_selectors
from rathaus.procedures.anmeldung import services as anmeldung_services

from ..constants import CASE_PAGE_DATA, SIMPLE_ACTIONS
from .common import case_url, staff_case
from .decisions import message_form
from .payments import payment_context


@staff_required()
@require_GET
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    case = services.case_read_logged(
        actor=request.user,
        municipality=request.municipality,
        reference=reference,
        data_categories=CASE_PAGE_DATA,
    )
    procedure = procedure_get_or_404(case.procedure_key)
    rows = [
        (label, value, None) for _p, _n, label, value in procedure.summary_rows(case.answers or {})
    ]
    available = transitions_available(
        from_status=case.status, actor_role=ActorRole.STAFF, procedure=procedure
    )
    approvals = (
        list(selectors.case_approvals(case=case))
        if procedure.four_eyes and case.status == CaseStatus.IN_REVIEW
        else []
    )
    payment = payment_selectors.payment_for_case(case=case)
    return render(
        request,
        "backoffice/case_detail.html",
        {
            **(payment_context(request, payment, case=case) if payment is not None else {}),
            "attachments": list(selectors.case_attachments(case=case)),
            "documents": _documents_for_page(case),
            "case": case,
            "procedure": procedure,
            "rows": rows,
            "counter_notes": procedure.counter_notes(services.case_context(case=case)),
            "events": selectors.case_timeline(case=case),
            "postfach": selectors.case_messages(case=case),
            "overdue": selectors.case_is_overdue(case=case),
            "may_review": CaseStatus.IN_REVIEW in available,
            "may_approve": CaseStatus.APPROVED in available,
            "may_complete": CaseStatus.COMPLETED in available,
            "may_reject": CaseStatus.REJECTED in available,
            "may_request_info": CaseStatus.INFO_REQUESTED in available,
            "stage_label": procedure.stage_label(case.stage) if case.stage else "",
            "status_label": procedure.status_label(case.status),
            "waiting_for": procedure.waiting_for(status=case.status, stage=case.stage),
            "words": {
                status: procedure.decision_words(status) for status in services.CLERK_DECISIONS
            },
            "stages_available": (
                procedure.stages_available(from_stage=case.stage, actor_role=ActorRole.STAFF)
                if case.status in STAGE_STATUSES
                else []
            ),
            "code_letter_offered": anmeldung_services.code_letter_offered(case=case),
            "approvals": approvals,
            "approved_by_me": any(a.clerk_id == request.user.pk for a in approvals),
            "message_form": message_form(),
        },
    )


def _documents_for_page(case) -> list:
    documents = selectors.issued_documents_titled(case=case)
    for document in documents:
        document.verification_code_display = document_selectors.code_display(
            document.verification_code
        )
    return documents


@staff_required()
@require_POST
def case_action(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    """One-click moves that decide nothing: take into review. Decisions have a confirmation
    page each (``case_approve``, ``case_complete``, ``case_reject``)."""
    case = staff_case(request, reference)
    to_status = SIMPLE_ACTIONS.get(action)
    if to_status is None:
        raise Http404
    try:
        services.case_transition(case=case, to_status=to_status, actor=request.user)
    except CaseError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The case is now: %(status)s.") % {"status": CaseStatus(to_status).label},
        )
    return redirect(case_url(case))


@staff_required()
@require_POST
def case_stage(request: HttpRequest, reference: str, stage: str) -> HttpResponse:
    """Move the case to a stage of its procedure (the procedure's stage table decides)."""
    case = staff_case(request, reference)
    try:
        services.case_stage_set(case=case, to_stage=stage, actor=request.user)
    except CaseError as exc:
        messages.error(request, exc.message)
    else:
        label = procedure_get_or_404(case.procedure_key).stage_label(stage)
        messages.success(request, _("The case is now at the stage: %(stage)s.") % {"stage": label})
    return redirect(case_url(case))


@staff_required()
@require_POST
def case_code_letter(request: HttpRequest, reference: str) -> HttpResponse:
    """A code letter to the new address of an Anmeldung (§23a(3) BMG): the code is issued and
    the letter comes back as a PDF to print and post."""
    case = staff_case(request, reference)
    try:
        pdf = anmeldung_services.code_letter_issue(case=case, actor=request.user)
    except CaseError as exc:
        messages.error(request, exc.message)
        return redirect(case_url(case))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="codebrief-{case.reference}.pdf"'
    return response
