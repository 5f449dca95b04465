"""Citizen pages of payments: what to pay, the way to the platform, the way back."""

from __future__ import annotations

import contextlib

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from rathaus.cases.constants import SESSION_DRAFT_OWNER
from rathaus.tenants.selectors import municipality_absolute_url

from . import selectors, services
from .constants import RETRYABLE_STATUSES, LedgerSource, PaymentStatus
from .errors import PaymentError
from .kassenzeichen import kassenzeichen_display
from .receipts import receipt_pdf


def _payment(request: HttpRequest, public_id):
    return selectors.access_payment_for_citizen(
        actor=request.user,
        owner_token=request.session.get(SESSION_DRAFT_OWNER, ""),
        municipality=request.municipality,
        public_id=public_id,
    )


def _context(payment, **extra):
    return {
        "payment": payment,
        "kassenzeichen": kassenzeichen_display(payment.kassenzeichen),
        "legal_basis": [line for line in payment.legal_basis.splitlines() if line.strip()],
        "status": PaymentStatus,
        "may_start": payment.status == PaymentStatus.OPEN or payment.status in RETRYABLE_STATUSES,
        **extra,
    }


@require_http_methods(["GET", "POST"])
def overview(request: HttpRequest, public_id) -> HttpResponse:
    payment = _payment(request, public_id)
    error = None
    if request.method == "POST":
        return_url = municipality_absolute_url(
            request.municipality, reverse("payments:return", args=[payment.public_id])
        )
        try:
            pay_url = services.payment_start(
                payment=payment, actor=request.user, return_url=return_url
            )
        except PaymentError as exc:
            error = exc.message
        else:
            return redirect(pay_url)
    return render(request, "payments/overview.html", _context(payment, error=error))


@require_http_methods(["GET"])
def payment_return(request: HttpRequest, public_id) -> HttpResponse:
    payment = _payment(request, public_id)
    claimed = request.GET.get("transactionId")
    if not services.payment_return_verify(
        payment=payment, claimed_transaction_id=claimed, actor=request.user
    ):
        return render(request, "payments/refused.html", _context(payment), status=400)
    # Without a configured platform any more, show what we know.
    with contextlib.suppress(PaymentError):
        payment = services.payment_refresh(
            payment=payment, source=LedgerSource.RETURN, claimed_transaction_id=claimed
        )
    return render(request, "payments/result.html", _context(payment))


@require_http_methods(["GET"])
def receipt(request: HttpRequest, public_id) -> HttpResponse:
    payment = _payment(request, public_id)
    if payment.status != PaymentStatus.PAID:
        raise Http404
    response = HttpResponse(receipt_pdf(payment=payment), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="quittung-{payment.kassenzeichen}.pdf"'
    return response
