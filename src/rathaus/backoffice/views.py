"""Back-office pages for the town's staff. Views parse input, call one service or selector, and
render; every page is behind ``staff_required`` and every case is fetched for
``request.municipality`` only."""

from __future__ import annotations

import datetime
from urllib.parse import quote

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import (
    RFC3986_SUBDELIMS,
    content_disposition_header,
    url_has_allowed_host_and_scheme,
)
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rathaus.accounts.constants import StaffRole
from rathaus.accounts.decorators import staff_required
from rathaus.accounts.selectors import role_satisfies, staff_choices_for
from rathaus.appointments import selectors as appointment_selectors
from rathaus.cases import selectors, services
from rathaus.cases.constants import ActorRole, CaseStatus
from rathaus.cases.errors import CaseError
from rathaus.cases.models import CaseReadCategory
from rathaus.cases.plugin import procedure_get_or_404, procedure_title, procedures
from rathaus.cases.transitions import STAGE_STATUSES, transitions_available
from rathaus.documents import selectors as document_selectors
from rathaus.documents.errors import DocumentError
from rathaus.payments import selectors as payment_selectors
from rathaus.payments import services as payment_services
from rathaus.payments.constants import RETRYABLE_STATUSES, UNSETTLED_STATUSES, PaymentStatus
from rathaus.payments.errors import PaymentError
from rathaus.payments.kassenzeichen import kassenzeichen_display
from rathaus.procedures.anmeldung import services as anmeldung_services

from . import selectors as backoffice_selectors
from .constants import (
    CASE_PAGE_DATA,
    INBOX_PAGE_SIZE,
    PAGE_PARAM,
    PAYMENT_PAGE_SIZE,
    READ_LOG_PAGE_SIZE,
    SIMPLE_ACTIONS,
)
from .forms import (
    DecisionForm,
    InboxFilterForm,
    PaymentExportForm,
    PaymentListFilterForm,
    ReadLogFilterForm,
    ReasonForm,
)


def _case_url(case) -> str:
    return reverse("backoffice:case_detail", args=[case.reference])


_REFERENCE_MARKER = "REFERENCE-MARKER"


def _reference_url_builder(name: str):
    """``reverse(name, args=[reference])`` for many references, reversing only once."""
    prefix, suffix = reverse(name, args=[_REFERENCE_MARKER]).split(_REFERENCE_MARKER)
    return lambda reference: prefix + quote(reference, safe=RFC3986_SUBDELIMS + "/~:@") + suffix


def _staff_case(request: HttpRequest, reference: str):
    """The case for an action (no case data is shown, so no read-log row)."""
    return selectors.access_case_for_staff(
        actor=request.user, municipality=request.municipality, reference=reference
    )


# --- inbox ---------------------------------------------------------------------------------------
@staff_required()
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    form = InboxFilterForm(
        data=request.GET or None,
        staff_choices=staff_choices_for(municipality=request.municipality),
    )
    cases = selectors.case_list_for_staff(
        actor=request.user, municipality=request.municipality, **form.filters()
    )
    page = backoffice_selectors.inbox_page(
        cases, per_page=INBOX_PAGE_SIZE, page_number=request.GET.get(PAGE_PARAM)
    )
    detail_url = _reference_url_builder("backoffice:case_detail")
    assign_url = _reference_url_builder("backoffice:case_assign")
    now = timezone.now()
    # Status labels in each procedure's words, translated once per request rather than per row.
    status_labels: dict[tuple[str, str], str] = {}

    def status_label(case) -> str:
        key = (case.procedure_key, case.status)
        if key not in status_labels:
            procedure = procedures().get(case.procedure_key)
            status_labels[key] = (
                procedure.status_label(case.status)
                if procedure is not None
                else str(CaseStatus(case.status).label)
            )
        return status_labels[key]

    # Values are prepared here rather than with template filters: a page has 25 rows and the
    # template engine's per-value work was most of the page's cost (bench/README.md, "inbox").
    rows = []
    for case in page.object_list:
        submitted = timezone.localtime(case.submitted_at) if case.submitted_at else None
        shown = formats.date_format(submitted, "SHORT_DATE_FORMAT") if submitted else ""
        rows.append(
            {
                "case": case,
                "procedure": procedure_title(case.procedure_key),
                "overdue": selectors.case_is_overdue(case=case, now=now),
                "mine": case.assignee_id == request.user.pk,
                "url": detail_url(case.reference),
                "assign_url": assign_url(case.reference),
                "status": status_label(case),
                "submitted_iso": submitted.isoformat() if submitted else "",
                "submitted": shown,
            }
        )
    return render(
        request,
        "backoffice/inbox.html",
        {"form": form, "page": page, "rows": rows},
    )


@staff_required()
@require_POST
def case_assign_to_me(request: HttpRequest, reference: str) -> HttpResponse:
    case = _staff_case(request, reference)
    services.case_assign(case=case, assignee=request.user, actor=request.user)
    messages.success(
        request, _("You are now responsible for %(reference)s.") % {"reference": case.reference}
    )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = _case_url(case)
    return redirect(target)


# --- case page -----------------------------------------------------------------------------------
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
    available = transitions_available(from_status=case.status, actor_role=ActorRole.STAFF)
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
            **(_payment_context(request, payment, case=case) if payment is not None else {}),
            "attachments": list(selectors.case_attachments(case=case)),
            "documents": _documents_for_page(case),
            "case": case,
            "procedure": procedure,
            "rows": rows,
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
            "message_form": _message_form(),
        },
    )


def _document_filename(case, document, extension: str = "pdf") -> str:
    title = selectors.issued_document_title(case=case, document=document)
    return f"{title}-{case.reference}.{extension}".replace(" ", "-")


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
    case = _staff_case(request, reference)
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
    return redirect(_case_url(case))


@staff_required()
@require_POST
def case_stage(request: HttpRequest, reference: str, stage: str) -> HttpResponse:
    """Move the case to a stage of its procedure (the procedure's stage table decides)."""
    case = _staff_case(request, reference)
    try:
        services.case_stage_set(case=case, to_stage=stage, actor=request.user)
    except CaseError as exc:
        messages.error(request, exc.message)
    else:
        label = procedure_get_or_404(case.procedure_key).stage_label(stage)
        messages.success(request, _("The case is now at the stage: %(stage)s.") % {"stage": label})
    return redirect(_case_url(case))


@staff_required()
@require_POST
def case_code_letter(request: HttpRequest, reference: str) -> HttpResponse:
    """A code letter to the new address of an Anmeldung (§23a(3) BMG): the code is issued and
    the letter comes back as a PDF to print and post."""
    case = _staff_case(request, reference)
    try:
        pdf = anmeldung_services.code_letter_issue(case=case, actor=request.user)
    except CaseError as exc:
        messages.error(request, exc.message)
        return redirect(_case_url(case))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="codebrief-{case.reference}.pdf"'
    return response


def _message_form(data=None) -> ReasonForm:
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
    case = _staff_case(request, reference)
    if request.method == "POST" and form.is_valid():
        try:
            perform(case, form.cleaned_data["text"])
        except CaseError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, success)
            return redirect(_case_url(case))
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
        case = _staff_case(request, reference)
    procedure = procedure_get_or_404(case.procedure_key)
    wording = procedure.decision_words(to_status)
    if wording is None:
        raise Http404
    form = DecisionForm(
        data=request.POST if request.method == "POST" else None,
        label=wording.text_label,
        help_text=wording.text_help,
        required=wording.text_required,
    )
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
            return redirect(_case_url(case))
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
        form=_message_form(request.POST if request.method == "POST" else None),
        heading=_("Write a message"),
        button=_("Send message"),
        perform=lambda case, text: services.message_send(case=case, sender=request.user, body=text),
        success=_("Your message has been sent."),
    )


# --- read log and statistics ---------------------------------------------------------------------
@staff_required(role=StaffRole.ADMIN)
@require_GET
def read_log(request: HttpRequest) -> HttpResponse:
    form = ReadLogFilterForm(
        data=request.GET or None,
        staff_choices=staff_choices_for(municipality=request.municipality),
    )
    entries = selectors.case_read_log(municipality=request.municipality, **form.filters())
    page = Paginator(entries, READ_LOG_PAGE_SIZE).get_page(request.GET.get(PAGE_PARAM))
    labels = dict(CaseReadCategory.choices)
    for entry in page.object_list:
        entry.categories_display = ", ".join(
            str(labels.get(category, category)) for category in entry.data_categories
        )
    return render(request, "backoffice/read_log.html", {"form": form, "page": page})


@staff_required(role=StaffRole.TEAM_LEAD)
@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    stats = selectors.case_statistics(municipality=request.municipality)
    statuses = list(selectors.STATUS_ORDER)
    per_procedure = [
        {
            "title": procedure_title(key),
            "counts": [counts.get(status, 0) for status in statuses],
            "total": sum(counts.values()),
        }
        for key, counts in sorted(stats["per_procedure"].items())
    ]
    median = stats["median_processing"]
    total = stats["total"]
    channels = [
        {
            "label": label,
            "count": stats["channels"].get(value, 0),
            "percent": round(100 * stats["channels"].get(value, 0) / total) if total else 0,
        }
        for value, label in services.Channel.choices
    ]
    return render(
        request,
        "backoffice/statistics.html",
        {
            "statuses": [status.label for status in statuses],
            "per_procedure": per_procedure,
            "median_days": median.total_seconds() / 86400 if median is not None else None,
            "decided_count": stats["decided_count"],
            "channels": channels,
            "total": total,
        },
    )


# --- appointments and counters ------------------------------------------------------------------
@staff_required()
@require_GET
def offices(request: HttpRequest) -> HttpResponse:
    """The town's offices, each with its day view, counter screen, call display and check-in."""
    return render(
        request,
        "backoffice/offices.html",
        {
            "offices": appointment_selectors.office_list(municipality=request.municipality),
            "may_see_figures": role_satisfies(request.staff_membership.role, StaffRole.TEAM_LEAD),
        },
    )


# --- files of a case -----------------------------------------------------------------------------
def _file_response(data: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _logged_read(request: HttpRequest, case, category: str) -> None:
    services.case_read_logged(
        actor=request.user,
        municipality=request.municipality,
        reference=case.reference,
        data_categories=[category],
    )


@staff_required()
@require_GET
def attachment_download(request: HttpRequest, reference: str, attachment_id) -> HttpResponse:
    """A file of the case, for its town's staff; the download is a read (category attachments).

    Unknown files of a case the clerk may see are 404 and logged as nothing."""
    case = _staff_case(request, reference)
    attachment = selectors.case_attachments(case=case).filter(public_id=attachment_id).first()
    if attachment is None:
        raise Http404
    _logged_read(request, case, CaseReadCategory.ATTACHMENTS)
    return _file_response(
        selectors.attachment_content(attachment=attachment),
        content_type=attachment.content_type,
        filename=attachment.original_name,
    )


@staff_required()
@require_GET
def document_download(request: HttpRequest, reference: str, document_id) -> HttpResponse:
    """An issued document of the case, for its town's staff (read log: documents)."""
    case = _staff_case(request, reference)
    document = selectors.case_issued_documents(case=case).filter(public_id=document_id).first()
    if document is None:
        raise Http404
    _logged_read(request, case, CaseReadCategory.DOCUMENTS)
    content = document_selectors.issued_document_content(document=document)
    media_type, extension = document_selectors.issued_document_format(content=content)
    return _file_response(
        content,
        content_type=media_type,
        filename=_document_filename(case, document, extension),
    )


# --- payments ------------------------------------------------------------------------------------
def _attention_label(reason: str) -> str:
    """The translated text of a payment's internal attention reason (see payments.services)."""
    if reason.startswith("late payment after "):
        status = reason.removeprefix("late payment after ")
        labels = dict(PaymentStatus.choices)
        return _(
            "Late payment: the money arrived after the payment had been marked as %(status)s. "
            "The case was released; check whether the citizen paid twice."
        ) % {"status": labels.get(status, status)}
    if reason.startswith("amount differs"):
        return _(
            "Amount mismatch: the platform reported an amount different from the one requested. "
            "The payment was not booked."
        )
    if reason.startswith("platform reports"):
        return _("The payment platform reports another status for a booked payment.")
    if reason.startswith("platform error"):
        return _("The payment platform answered a status query with an error.")
    return reason


def _payment_context(request: HttpRequest, payment, *, case) -> dict:
    """What the payment part of a page shows and which actions it offers."""
    user_id = request.user.pk
    refund_requested = payment.refund_requested_by_id is not None
    return {
        "payment": payment,
        "kassenzeichen": kassenzeichen_display(payment.kassenzeichen),
        "ledger": list(payment_selectors.payment_ledger(payment=payment).select_related("actor")),
        "attention": _attention_label(payment.attention_reason) if payment.attention_reason else "",
        "may_waive": (
            payment.fee_waived_by_id is None
            and case.status == CaseStatus.AWAITING_PAYMENT
            and payment.status in UNSETTLED_STATUSES | RETRYABLE_STATUSES
        ),
        "may_request_refund": payment.status == PaymentStatus.PAID and not refund_requested,
        "refund_pending": payment.status == PaymentStatus.PAID and refund_requested,
        "may_confirm_refund": (
            payment.status == PaymentStatus.PAID
            and refund_requested
            and payment.refund_requested_by_id != user_id
        ),
        "may_resolve": payment.needs_clerk_attention,
    }


def _staff_payment(request: HttpRequest, public_id):
    return payment_selectors.access_payment_for_staff(
        actor=request.user, municipality=request.municipality, public_id=public_id
    )


def _payment_return_url(payment) -> str:
    """The case page once the case is in the back office; the payment page while it waits."""
    if payment.case.status in selectors.STATUS_ORDER:
        return _case_url(payment.case)
    return reverse("backoffice:payment_detail", args=[payment.public_id])


@staff_required(role=StaffRole.TEAM_LEAD)
@require_GET
def payment_list(request: HttpRequest) -> HttpResponse:
    form = PaymentListFilterForm(data=request.GET or None)
    payments = payment_selectors.payment_list_for_staff(
        actor=request.user, municipality=request.municipality, view=form.view()
    )
    page = Paginator(payments, PAYMENT_PAGE_SIZE).get_page(request.GET.get(PAGE_PARAM))
    rows = [
        {
            "payment": payment,
            "kassenzeichen": kassenzeichen_display(payment.kassenzeichen),
            "attention": _attention_label(payment.attention_reason)
            if payment.needs_clerk_attention
            else "",
            "refund_pending": payment.status == PaymentStatus.PAID
            and payment.refund_requested_by_id is not None,
        }
        for payment in page.object_list
    ]
    may_export = role_satisfies(request.staff_membership.role, StaffRole.ADMIN)
    return render(
        request,
        "backoffice/payment_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "view": form.view(),
            "export_form": PaymentExportForm(
                initial={"tag": timezone.localdate() - datetime.timedelta(days=1), "format": "csv"}
            )
            if may_export
            else None,
        },
    )


@staff_required()
@require_GET
def payment_detail(request: HttpRequest, public_id) -> HttpResponse:
    """One payment: status, Kassenzeichen, amount, ledger, flags and actions. Shows the case's
    reference number, no personal data, so it writes no read-log row."""
    payment = _staff_payment(request, public_id)
    case = payment.case
    return render(
        request,
        "backoffice/payment_detail.html",
        {
            **_payment_context(request, payment, case=case),
            "case": case,
            "case_visible": case.status in selectors.STATUS_ORDER,
        },
    )


def _payment_reason_page(
    request: HttpRequest,
    public_id,
    *,
    form: ReasonForm,
    heading: str,
    button: str,
    perform,
    success: str,
) -> HttpResponse:
    payment = _staff_payment(request, public_id)
    if request.method == "POST" and form.is_valid():
        try:
            perform(payment, form.cleaned_data["text"])
        except PaymentError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, success)
            payment.case.refresh_from_db(fields=["status"])
            return redirect(_payment_return_url(payment))
    return render(
        request,
        "backoffice/payment_reason_form.html",
        {
            "payment": payment,
            "kassenzeichen": kassenzeichen_display(payment.kassenzeichen),
            "back_url": _payment_return_url(payment),
            "form": form,
            "heading": heading,
            "button": button,
        },
    )


@staff_required()
@require_http_methods(["GET", "POST"])
def payment_waive(request: HttpRequest, public_id) -> HttpResponse:
    form = ReasonForm(
        data=request.POST if request.method == "POST" else None,
        label=gettext_lazy("Reason for waiving the fee"),
        help_text=gettext_lazy("Kept with the payment for the cash office. Not sent to anyone."),
        required_message=gettext_lazy("Give the reason for waiving the fee."),
    )
    return _payment_reason_page(
        request,
        public_id,
        form=form,
        heading=_("Waive the fee"),
        button=_("Waive the fee"),
        perform=lambda payment, text: payment_services.payment_fee_waive(
            payment=payment, actor=request.user, reason=text
        ),
        success=_("The fee has been waived. The case is now in the inbox."),
    )


@staff_required()
@require_http_methods(["GET", "POST"])
def payment_refund_request(request: HttpRequest, public_id) -> HttpResponse:
    form = ReasonForm(
        data=request.POST if request.method == "POST" else None,
        label=gettext_lazy("Reason for the refund"),
        help_text=gettext_lazy("A different clerk must confirm the refund."),
        required_message=gettext_lazy("Give the reason for the refund."),
    )
    return _payment_reason_page(
        request,
        public_id,
        form=form,
        heading=_("Request a refund"),
        button=_("Request refund"),
        perform=lambda payment, text: payment_services.payment_refund_request(
            payment=payment, actor=request.user, reason=text
        ),
        success=_("The refund has been requested. A different clerk must confirm it."),
    )


@staff_required()
@require_POST
def payment_refund_confirm(request: HttpRequest, public_id) -> HttpResponse:
    payment = _staff_payment(request, public_id)
    try:
        payment_services.payment_refund_confirm(payment=payment, actor=request.user)
    except PaymentError as exc:
        if exc.details.get("reason") == "four_eyes":
            messages.error(
                request, _("You requested this refund: a different clerk must confirm it.")
            )
        else:
            messages.error(request, exc.message)
    else:
        messages.success(request, _("The refund has been confirmed and recorded in the ledger."))
    return redirect(_payment_return_url(payment))


@staff_required()
@require_POST
def payment_resolve(request: HttpRequest, public_id) -> HttpResponse:
    payment = _staff_payment(request, public_id)
    try:
        payment_services.payment_attention_resolve(payment=payment, actor=request.user)
    except PaymentError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The payment has been marked as reviewed."))
    return redirect(_payment_return_url(payment))


@staff_required(role=StaffRole.ADMIN)
@require_GET
def payment_export(request: HttpRequest) -> HttpResponse:
    """The booked payments of one day as CSV or JSON, as the nightly export writes them."""
    form = PaymentExportForm(data=request.GET or None)
    if not form.is_valid():
        return render(request, "backoffice/payment_export.html", {"form": form})
    day = form.cleaned_data["tag"]
    rows = payment_services.payments_booked_rows(municipality=request.municipality, day=day)
    csv_text, json_text = payment_services.payments_export_render(rows)
    if form.cleaned_data["format"] == "json":
        data, content_type = json_text, "application/json; charset=utf-8"
    else:
        data, content_type = csv_text, "text/csv; charset=utf-8"
    return _file_response(
        data.encode("utf-8"),
        content_type=content_type,
        filename=f"zahlungen-{request.municipality.slug}-{day.isoformat()}.{form.cleaned_data['format']}",
    )
