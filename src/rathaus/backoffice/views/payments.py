"""Payments for the town's staff: the list, one payment with its ledger, waiving the fee,
refunds (four eyes), resolving a flagged payment, and the daily export."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rathaus.accounts.constants import StaffRole
from rathaus.accounts.decorators import staff_required
from rathaus.accounts.selectors import role_satisfies
from rathaus.cases import selectors
from rathaus.cases.constants import CaseStatus
from rathaus.payments import selectors as payment_selectors
from rathaus.payments import services as payment_services
from rathaus.payments.constants import RETRYABLE_STATUSES, UNSETTLED_STATUSES, PaymentStatus
from rathaus.payments.errors import PaymentError
from rathaus.payments.kassenzeichen import kassenzeichen_display

from ..constants import PAGE_PARAM, PAYMENT_PAGE_SIZE
from ..forms import PaymentExportForm, PaymentListFilterForm, ReasonForm
from .common import case_url, file_response


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


def payment_context(request: HttpRequest, payment, *, case) -> dict:
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
        return case_url(payment.case)
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
            **payment_context(request, payment, case=case),
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
    return file_response(
        data.encode("utf-8"),
        content_type=content_type,
        filename=f"zahlungen-{request.municipality.slug}-{day.isoformat()}.{form.cleaned_data['format']}",
    )
