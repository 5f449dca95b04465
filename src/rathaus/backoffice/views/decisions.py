"""A clerk's decisions, each with a confirmation page and the clerk's text (approve, complete,
reject), requests for information and Postfach messages to the applicant."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from rathaus.accounts.decorators import staff_required
from rathaus.cases import selectors, services
from rathaus.cases.constants import ActorRole, CaseErrorCode, CaseStatus
from rathaus.cases.errors import CaseError
from rathaus.cases.models import CaseReadCategory
from rathaus.cases.plugin import procedure_get_or_404
from rathaus.cases.transitions import transitions_available
from rathaus.documents.errors import DocumentError

from ..forms import DecisionForm, ReasonForm
from .common import case_url, staff_case


def message_form(data=None) -> ReasonForm:
    return ReasonForm(
        data=data,
        prefix="message",
        label=gettext_lazy("Message to the applicant"),
        help_text=gettext_lazy("The applicant reads this in their Postfach."),
        required_message=gettext_lazy("Write a message."),
    )


def _reason_page(
    request: HttpRequest,
    reference: str,
    *,
    form: ReasonForm,
    heading: str,
    button: str,
    perform,
    success: str,
) -> HttpResponse:
    case = staff_case(request, reference)
    if request.method == "POST" and form.is_valid():
        try:
            perform(case, form.cleaned_data["text"])
        except CaseError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, success)
            return redirect(case_url(case))
    return render(
        request,
        "backoffice/reason_form.html",
        {"case": case, "form": form, "heading": heading, "button": button},
    )


def _decision_notice(procedure, case) -> str:
    """Whom the decision reaches, and how, as the confirmation page says it."""
    address = procedure.reply_email(case.answers or {})
    if address:
        return _("By e-mail to %(address)s, with your text.") % {"address": address}
    if case.applicant_id is not None:
        return _(
            "A notice without details to the e-mail address of their user account; they read "
            "your text under “Meine Anliegen”."
        )
    return _(
        "Not by e-mail: the applicant has no user account and gave no e-mail address. Reply "
        "the way they asked for."
    )


def decision_refusal(*, case, procedure, to_status: str) -> str:
    """Why a clerk may not take the decision leading to ``to_status`` now ("" when they may):
    the engine's table and the procedure's own say (``Procedure.transition_roles``), the same
    rule ``case_decide`` applies."""
    if to_status in transitions_available(
        from_status=case.status, actor_role=ActorRole.STAFF, procedure=procedure
    ):
        return ""
    engine = transitions_available(from_status=case.status, actor_role=ActorRole.STAFF)
    code = (
        CaseErrorCode.NOT_BY_HAND if to_status in engine else CaseErrorCode.TRANSITION_NOT_ALLOWED
    )
    return CaseError(code).message


def _case_decision(request: HttpRequest, reference: str, to_status: str) -> HttpResponse:
    """A clerk's decision, never in one click: GET shows what will happen and to whom, with a
    field for the clerk's text (answer, note or reason, in the procedure's words); POST takes
    the decision. The page shows the applicant's name and reply address, so a GET is a read
    (read log: answers); a POST shows nothing of the case."""
    if request.method == "GET":
        case = services.case_read_logged(
            actor=request.user,
            municipality=request.municipality,
            reference=reference,
            data_categories=[CaseReadCategory.ANSWERS],
        )
    else:
        case = staff_case(request, reference)
    procedure = procedure_get_or_404(case.procedure_key)
    wording = procedure.decision_words(to_status)
    if wording is None:
        raise Http404
    # A four-eyes confirmation starts from the first clerk's text: the applicant reads the text
    # confirmed, so the first clerk's answer is kept unless the second clerk changes it.
    first_approval = (
        next(
            (a for a in selectors.case_approvals(case=case) if a.clerk_id != request.user.pk),
            None,
        )
        if procedure.four_eyes and to_status == CaseStatus.APPROVED
        else None
    )
    form = DecisionForm(
        data=request.POST if request.method == "POST" else None,
        initial={"text": first_approval.text} if first_approval is not None else None,
        label=wording.text_label,
        help_text=wording.text_help,
        required=wording.text_required,
    )
    # A decision the case's state does not allow is not offered: the page says why, without
    # the button. A forged POST goes to the engine anyway, which refuses it the same way.
    refusal = decision_refusal(case=case, procedure=procedure, to_status=to_status)
    if request.method == "POST" and form.is_valid():
        try:
            case, moved = services.case_decide(
                case=case, actor=request.user, to_status=to_status, text=form.cleaned_data["text"]
            )
            document = (
                selectors.case_issued_documents(case=case).last()
                if moved and to_status == CaseStatus.APPROVED and procedure.approval_documents
                else None
            )
        except (CaseError, DocumentError) as exc:
            form.add_error(None, exc.message)
        else:
            if not moved:
                messages.info(
                    request,
                    _(
                        "Your approval has been recorded. This service needs a second approval: "
                        "a different clerk must confirm it."
                    ),
                )
            elif document is not None:
                messages.success(
                    request,
                    _("%(decision)s The document “%(document)s” has been issued.")
                    % {
                        "decision": wording.success,
                        "document": selectors.issued_document_title(case=case, document=document),
                    },
                )
            else:
                messages.success(request, str(wording.success))
            return redirect(case_url(case))
    documents = (
        [
            kind.title
            for kind in procedure.document_types
            if kind.key in procedure.approval_documents
        ]
        if to_status == CaseStatus.APPROVED
        else []
    )
    return render(
        request,
        "backoffice/decision_form.html",
        {
            "case": case,
            "procedure": procedure,
            "wording": wording,
            "form": form,
            "status_now": procedure.status_label(case.status),
            "status_after": procedure.status_label(to_status),
            "notice": _decision_notice(procedure, case),
            "documents": documents,
            "four_eyes": procedure.four_eyes and to_status == CaseStatus.APPROVED,
            "first_approval": first_approval,
            "refusal": refusal,
            "waiting_for": procedure.waiting_for(status=case.status, stage=case.stage),
        },
    )


@staff_required()
@require_http_methods(["GET", "POST"])
def case_approve(request: HttpRequest, reference: str) -> HttpResponse:
    return _case_decision(request, reference, CaseStatus.APPROVED)


@staff_required()
@require_http_methods(["GET", "POST"])
def case_complete(request: HttpRequest, reference: str) -> HttpResponse:
    return _case_decision(request, reference, CaseStatus.COMPLETED)


@staff_required()
@require_http_methods(["GET", "POST"])
def case_reject(request: HttpRequest, reference: str) -> HttpResponse:
    return _case_decision(request, reference, CaseStatus.REJECTED)


@staff_required()
@require_http_methods(["GET", "POST"])
def case_request_info(request: HttpRequest, reference: str) -> HttpResponse:
    form = ReasonForm(
        data=request.POST if request.method == "POST" else None,
        label=gettext_lazy("What do you need from the applicant?"),
        help_text=gettext_lazy("This is sent to the applicant's Postfach."),
        required_message=gettext_lazy("Write what you need from the applicant."),
    )
    return _reason_page(
        request,
        reference,
        form=form,
        heading=_("Request information"),
        button=_("Send request"),
        perform=lambda case, text: services.case_request_information(
            case=case, actor=request.user, message=text
        ),
        success=_("Your request for information has been sent."),
    )


@staff_required()
@require_http_methods(["GET", "POST"])
def case_message(request: HttpRequest, reference: str) -> HttpResponse:
    return _reason_page(
        request,
        reference,
        form=message_form(request.POST if request.method == "POST" else None),
        heading=_("Write a message"),
        button=_("Send message"),
        perform=lambda case, text: services.message_send(case=case, sender=request.user, body=text),
        success=_("Your message has been sent."),
    )
