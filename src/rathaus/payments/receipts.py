"""The receipt (Quittung) of a booked payment as PDF."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from rathaus.documents.rendering import html_to_pdf

from .kassenzeichen import kassenzeichen_display
from .models import Payment


def receipt_pdf(*, payment: Payment) -> bytes:
    html = render_to_string(
        "payments/receipt.html",
        {
            "payment": payment,
            "municipality": payment.municipality,
            "kassenzeichen": kassenzeichen_display(payment.kassenzeichen),
            "paid_at": timezone.localtime(payment.paid_at),
            "method": payment.payment_method_label,
        },
    )
    return html_to_pdf(html)
