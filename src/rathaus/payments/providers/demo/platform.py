"""The demo payment platform: a stand-in speaking XBezahldienste 1.0.0, for demos and tests.

Served only when ``settings.RATHAUS_DEMO`` is on (404 otherwise). It keeps its own records
(``DemoPlatformTransaction``) and never sees personal data.
"""

from __future__ import annotations

import decimal
import re
import time
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import JsonResponse

from ...constants import PlatformPaymentMethod
from ...models import DemoPlatformTransaction, ProviderConfig

TOKEN_SALT = "rathaus.payments.demo-platform.token"
TOKEN_SECONDS = 300
ID_PATTERN = re.compile(r"^[\w-]{1,36}$")
PURPOSE_PATTERN = re.compile(r"^[\w\s-]{0,27}$")


class Outcome:
    PAID = "paid"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    PENDING_THEN_PAID = "pending_then_paid"
    PENDING_THEN_FAILED = "pending_then_failed"
    SLOW = "slow"

    ALL = [PAID, DECLINED, CANCELLED, PENDING_THEN_PAID, PENDING_THEN_FAILED, SLOW]


# What the pay page offers, and what the status query reports for it.
METHODS = {
    "card": (PlatformPaymentMethod.CREDITCARD, ""),
    "paypal": (PlatformPaymentMethod.PAYPAL, ""),
    "sepa": (PlatformPaymentMethod.OTHER, "SEPA-Lastschrift"),
    "wero": (PlatformPaymentMethod.OTHER, "Wero"),
}

# Status right after the pay page, and after the first status query for "pending" outcomes.
OUTCOME_STATUS = {
    Outcome.PAID: ("PAYED", "PAYED"),
    Outcome.SLOW: ("PAYED", "PAYED"),
    Outcome.DECLINED: ("FAILED", "FAILED"),
    Outcome.CANCELLED: ("CANCELED", "CANCELED"),
    Outcome.PENDING_THEN_PAID: ("INITIAL", "PAYED"),
    Outcome.PENDING_THEN_FAILED: ("INITIAL", "FAILED"),
}


def problem(status: int, code: str, text: str = "") -> JsonResponse:
    response = JsonResponse(
        {"type": code, "status": status, "title": code, "functionalText": text}, status=status
    )
    response["Content-Type"] = "application/problem+json"
    return response


def token_issue(*, municipality, client_id: str, client_secret: str) -> str | None:
    config = ProviderConfig.objects.filter(municipality=municipality, client_id=client_id).first()
    if config is None or not client_id or config.client_secret != client_secret:
        return None
    return signing.dumps({"m": municipality.pk, "c": client_id}, salt=TOKEN_SALT)


def token_valid(*, municipality, header: str) -> bool:
    if not header.startswith("Bearer "):
        return False
    try:
        data = signing.loads(header[7:], salt=TOKEN_SALT, max_age=TOKEN_SECONDS)
    except signing.BadSignature:
        return False
    return data.get("m") == municipality.pk


def _amount(value) -> decimal.Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return decimal.Decimal(str(value)).quantize(decimal.Decimal("0.01"))
    except decimal.InvalidOperation:
        return None


def request_validate(body: Any) -> tuple[str, str] | None:
    """(code, text) of the first problem of a PaymentRequest, or None."""
    if not isinstance(body, dict):
        return "VALIDATION_ERROR", "body is not a JSON object"
    if not ID_PATTERN.match(str(body.get("requestId", ""))):
        return "VALIDATION_ERROR", "requestId"
    if body.get("currency") != "EUR":
        return "VALIDATION_ERROR", "currency"
    gross = _amount(body.get("grosAmount", body.get("grossAmount")))
    if gross is None or gross <= 0 or gross > 999999:
        return "VALIDATION_ERROR", "grosAmount"
    if not PURPOSE_PATTERN.match(str(body.get("purpose", ""))):
        return "VALIDATION_ERROR", "purpose"
    if len(str(body.get("description", ""))) > 250:
        return "VALIDATION_ERROR", "description"
    redirect_url = str(body.get("redirectUrl", ""))
    if not redirect_url.startswith(("http://", "https://")) or len(redirect_url) > 2082:
        return "VALIDATION_ERROR", "redirectUrl"
    items = body.get("items")
    if not isinstance(items, list) or not 1 <= len(items) <= 99:
        return "VALIDATION_ERROR", "items"
    total = decimal.Decimal("0")
    for item in items:
        net, tax = _amount(item.get("totalNetAmount")), _amount(item.get("totalTaxAmount", 0))
        if not isinstance(item, dict) or net is None or tax is None:
            return "VALIDATION_ERROR", "items"
        total += net + tax
    if total != gross:
        return "CALCULATION_ERROR", "items do not add up to grosAmount"
    return None


def transaction_document(tx: DemoPlatformTransaction, *, base: str, pay_url: str) -> dict:
    request = dict(tx.payment_request)
    fault = getattr(settings, "RATHAUS_DEMO_PAYMENT_FAULT", "")
    if fault == "amount":
        # For tests: a platform that reports another amount than the one requested.
        reported = _amount(request.get("grosAmount", request.get("grossAmount"))) or 0
        request["grosAmount"] = float(reported + 1)
    info: dict[str, Any] = {
        "transactionId": str(tx.transaction_id),
        "transactionUrl": f"{base}/{tx.transaction_id}",
        "transactionRedirectUrl": pay_url,
        "status": tx.status,
    }
    if tx.status == "PAYED":
        info["paymentMethod"] = tx.payment_method
        if tx.method_detail:
            info["paymentMethodDetail"] = tx.method_detail
        info["transactionTimestamp"] = tx.created_at.isoformat(timespec="seconds")
    return {"paymentRequest": request, "paymentInformation": info}


def status_query(tx: DemoPlatformTransaction) -> DemoPlatformTransaction:
    """Counts the query; a "pending then …" outcome settles on the second query."""
    if tx.outcome == Outcome.SLOW:
        time.sleep(getattr(settings, "RATHAUS_DEMO_PAYMENT_SLOW_SECONDS", 3.0))
    tx.status_queries += 1
    if tx.outcome in (Outcome.PENDING_THEN_PAID, Outcome.PENDING_THEN_FAILED):
        first, later = OUTCOME_STATUS[tx.outcome]
        tx.status = later if tx.status_queries > 1 else first
    tx.save(update_fields=["status_queries", "status"])
    return tx


def outcome_choose(tx: DemoPlatformTransaction, *, method: str, outcome: str) -> None:
    platform_method, detail = METHODS[method]
    tx.payment_method = platform_method
    tx.method_detail = detail
    tx.outcome = outcome
    tx.status = OUTCOME_STATUS[outcome][0]
    tx.status_queries = 0
    tx.save(
        update_fields=["payment_method", "method_detail", "outcome", "status", "status_queries"]
    )
