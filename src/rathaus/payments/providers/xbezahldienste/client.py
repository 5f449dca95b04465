"""An HTTP client for XBezahldienste 1.0.0 payment platforms (pmPayment, ePayBL, …).

What the client does, and where it comes from, is documented in docs/payments.md. In short:
OAuth2 client credentials (token cached until shortly before it expires),
``POST {base}/paymenttransaction/{originatorId}/{endPointId}`` with a PaymentRequest,
``GET {base}/paymenttransaction/{originatorId}/{endPointId}/{transactionId}`` for the status.
Errors the platform reports come as ``application/problem+json``.
"""

from __future__ import annotations

import decimal
import hashlib
import logging
import time
from typing import Any
from urllib.parse import quote

import httpx
from django.conf import settings
from django.core.cache import cache

from ..base import PaymentRequestData, ProviderError, TransactionCreated, TransactionState

logger = logging.getLogger(__name__)

TOKEN_EXPIRY_MARGIN_SECONDS = 30
RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})


def _setting(name: str, default):
    return getattr(settings, name, default)


def _cached_token(key: str) -> str | None:
    """The cached token, or None. The cache (Redis in production) only spares token requests:
    while it is unreachable a token is fetched for each call instead of failing the payment."""
    try:
        return cache.get(key)
    except Exception as exc:  # the cache backend's own errors (redis.ConnectionError, …)
        logger.warning("payment platform token: cache unreachable (%s)", type(exc).__name__)
        return None


def _token_cache(key: str, token: str, seconds: int) -> None:
    try:
        cache.set(key, token, seconds)
    except Exception as exc:  # as in _cached_token: the next call fetches a token again
        logger.warning("payment platform token: cache unreachable (%s)", type(exc).__name__)


class XBezahldiensteClient:
    def __init__(
        self,
        *,
        base_url: str,
        originator_id: str,
        endpoint_id: str,
        token_url: str = "",
        client_id: str = "",
        client_secret: str = "",
        headers: dict[str, str] | None = None,
        timeout: float | None = None,
        retries: int | None = None,
        backoff: float | None = None,
    ):
        self.base_url = base_url.rstrip("/") + "/"
        self.originator_id = originator_id
        self.endpoint_id = endpoint_id
        self.token_url = token_url
        self.client_id = client_id
        self.client_secret = client_secret
        self.headers = headers or {}
        self.timeout = (
            timeout if timeout is not None else _setting("RATHAUS_PAYMENT_HTTP_TIMEOUT", 10.0)
        )
        self.retries = (
            retries if retries is not None else _setting("RATHAUS_PAYMENT_HTTP_RETRIES", 2)
        )
        self.backoff = (
            backoff if backoff is not None else _setting("RATHAUS_PAYMENT_HTTP_BACKOFF", 0.5)
        )

    # --- HTTP plumbing -------------------------------------------------------------------------
    def _send(self, method: str, url: str, **kwargs) -> httpx.Response:
        """One request with retries and exponential backoff for transient failures."""
        attempt = 0
        while True:
            try:
                with httpx.Client(timeout=self.timeout, headers=self.headers) as http:
                    response = http.request(method, url, **kwargs)
            except httpx.TimeoutException as exc:
                error = ProviderError(
                    f"payment platform timed out ({method} {url})", transient=True, code="timeout"
                )
                error.__cause__ = exc
            except httpx.HTTPError as exc:
                error = ProviderError(
                    f"payment platform unreachable ({method} {url}): {type(exc).__name__}",
                    transient=True,
                    code="unreachable",
                )
                error.__cause__ = exc
            else:
                if response.status_code not in RETRYABLE_STATUS:
                    return response
                error = ProviderError(
                    f"payment platform answered {response.status_code} ({method} {url})",
                    transient=True,
                    code=_problem_code(response) or "server_error",
                    status=response.status_code,
                )
            if attempt >= self.retries:
                raise error
            delay = self.backoff * (2**attempt)
            logger.warning("payment platform: %s; retrying in %.1fs", error, delay)
            time.sleep(delay)
            attempt += 1

    def _json(self, response: httpx.Response, *, what: str) -> dict[str, Any]:
        try:
            data = response.json()
        except ValueError as exc:
            raise ProviderError(
                f"payment platform sent no JSON for {what} (HTTP {response.status_code})",
                transient=False,
                code="garbage",
                status=response.status_code,
            ) from exc
        if not isinstance(data, dict):
            raise ProviderError(
                f"payment platform sent unexpected JSON for {what}",
                transient=False,
                code="garbage",
                status=response.status_code,
            )
        return data

    def _raise_for_client_error(self, response: httpx.Response, *, what: str) -> None:
        if response.status_code < 400:
            return
        code = _problem_code(response) or f"http_{response.status_code}"
        raise ProviderError(
            f"payment platform refused {what}: HTTP {response.status_code} {code}",
            transient=False,
            code=code,
            status=response.status_code,
        )

    # --- OAuth2 client credentials ---------------------------------------------------------------
    def _token_cache_key(self) -> str:
        digest = hashlib.sha256(f"{self.token_url}|{self.client_id}".encode()).hexdigest()[:32]
        return f"payments:token:{digest}"

    def access_token(self, *, refresh: bool = False) -> str | None:
        if not self.token_url:
            return None
        key = self._token_cache_key()
        if not refresh:
            token = _cached_token(key)
            if token:
                return token
        response = self._send(
            "POST",
            self.token_url,
            data={"grant_type": "client_credentials"},
            auth=(self.client_id, self.client_secret),
        )
        self._raise_for_client_error(response, what="the token request")
        data = self._json(response, what="the token request")
        token = data.get("access_token")
        if not isinstance(token, str) or not token:
            raise ProviderError(
                "token answer without access_token", transient=False, code="garbage"
            )
        try:
            expires_in = int(data.get("expires_in", 300))
        except (TypeError, ValueError):
            expires_in = 300
        _token_cache(key, token, max(expires_in - TOKEN_EXPIRY_MARGIN_SECONDS, 1))
        return token

    def _authorised(self, method: str, url: str, **kwargs) -> httpx.Response:
        token = self.access_token()
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = self._send(method, url, headers=headers, **kwargs)
        if response.status_code == 401 and token:
            # Revoked or expired early: fetch a new token once.
            token = self.access_token(refresh=True)
            response = self._send(
                method, url, headers={"Authorization": f"Bearer {token}"}, **kwargs
            )
        return response

    def _transaction_base(self) -> str:
        return (
            f"{self.base_url}paymenttransaction/"
            f"{quote(self.originator_id, safe='')}/{quote(self.endpoint_id, safe='')}"
        )

    # --- operations ------------------------------------------------------------------------------
    def transaction_create(self, request: PaymentRequestData) -> TransactionCreated:
        body = payment_request_body(request)
        response = self._authorised("POST", self._transaction_base(), json=body)
        self._raise_for_client_error(response, what="the payment request")
        data = self._json(response, what="the payment request")
        info = data.get("paymentInformation")
        if not isinstance(info, dict):
            raise ProviderError(
                "answer without paymentInformation", transient=False, code="garbage"
            )
        transaction_id = info.get("transactionId")
        pay_url = info.get("transactionRedirectUrl")
        if not isinstance(transaction_id, str) or not transaction_id:
            raise ProviderError("answer without transactionId", transient=False, code="garbage")
        if not isinstance(pay_url, str) or not pay_url.startswith(("https://", "http://")):
            raise ProviderError("answer without a pay page link", transient=False, code="garbage")
        transaction_url = info.get("transactionUrl") or response.headers.get("Location", "")
        return TransactionCreated(
            transaction_id=transaction_id,
            pay_url=pay_url,
            transaction_url=str(transaction_url),
            raw=data,
        )

    def transaction_status(self, transaction_id: str) -> TransactionState:
        url = f"{self._transaction_base()}/{quote(transaction_id, safe='')}"
        response = self._authorised("GET", url)
        self._raise_for_client_error(response, what="the status query")
        data = self._json(response, what="the status query")
        info = data.get("paymentInformation")
        if not isinstance(info, dict):
            raise ProviderError(
                "answer without paymentInformation", transient=False, code="garbage"
            )
        status = info.get("status")
        if status not in {"INITIAL", "PAYED", "FAILED", "CANCELED"}:
            raise ProviderError(
                f"unknown payment status {status!r}", transient=False, code="unknown_status"
            )
        answered_id = info.get("transactionId")
        if answered_id is not None and str(answered_id) != transaction_id:
            raise ProviderError(
                "status answer for another transaction", transient=False, code="mismatch"
            )
        request = data.get("paymentRequest") if isinstance(data.get("paymentRequest"), dict) else {}
        return TransactionState(
            transaction_id=transaction_id,
            platform_status=status,
            amount=_amount(request),
            currency=str(request.get("currency") or ""),
            payment_method=str(info.get("paymentMethod") or ""),
            raw=data,
        )


def payment_request_body(request: PaymentRequestData) -> dict[str, Any]:
    """The PaymentRequest of XBezahldienste 1.0.0 (field names and limits: docs/payments.md)."""
    amount = float(request.amount)
    return {
        "requestId": request.request_id,
        "requestTimestamp": request.request_timestamp,
        "currency": request.currency,
        # 1.0.0 spells the gross amount "grosAmount" (see docs/payments.md).
        "grosAmount": amount,
        "purpose": request.purpose,
        "description": request.description,
        "redirectUrl": request.redirect_url,
        "items": [
            {
                "id": request.item_id,
                "reference": request.item_reference,
                "description": request.description,
                "taxRate": 0,
                "quantity": 1,
                "totalNetAmount": amount,
                "totalTaxAmount": 0,
                "singleNetAmount": amount,
                "singleTaxAmount": 0,
                "bookingData": request.booking_data,
            }
        ],
    }


def _amount(payment_request: dict[str, Any]) -> decimal.Decimal | None:
    value = payment_request.get("grosAmount", payment_request.get("grossAmount"))
    if value is None or isinstance(value, bool):
        return None
    try:
        return decimal.Decimal(str(value)).quantize(decimal.Decimal("0.01"))
    except (decimal.InvalidOperation, ValueError):
        return None


def _problem_code(response: httpx.Response) -> str:
    """The ``type`` of an ``application/problem+json`` answer (e.g. PAYMENT_EXISTS)."""
    try:
        data = response.json()
    except ValueError:
        return ""
    if isinstance(data, dict):
        value = data.get("type") or data.get("code") or ""
        return str(value)[:60]
    return ""
