"""The interface every payment platform plugin implements."""

from __future__ import annotations

import decimal
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol


class ProviderError(Exception):
    """The platform could not be used. ``transient`` errors (timeouts, 5xx, connection
    failures) leave the payment as it is, to be resolved by a later query."""

    def __init__(self, message: str, *, transient: bool, code: str = "", status: int | None = None):
        self.transient = transient
        self.code = code
        self.status = status
        super().__init__(message)


@dataclass(frozen=True)
class PaymentRequestData:
    request_id: str
    request_timestamp: str
    currency: str
    amount: decimal.Decimal
    purpose: str
    description: str
    redirect_url: str
    item_id: str
    item_reference: str
    booking_data: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TransactionCreated:
    transaction_id: str
    pay_url: str
    transaction_url: str
    raw: dict[str, Any]


@dataclass(frozen=True)
class TransactionState:
    transaction_id: str
    platform_status: str  # as the platform spelt it, e.g. "PAYED"
    amount: decimal.Decimal | None  # the amount the platform reports, when it does
    currency: str
    payment_method: str
    raw: dict[str, Any]


class ProviderConfigLike(Protocol):
    provider_key: str
    base_url: str
    token_url: str
    originator_id: str
    endpoint_id: str
    client_id: str
    client_secret: str


class PaymentProvider:
    key: ClassVar[str] = ""
    title: ClassVar[str] = ""

    def __init__(self, config: ProviderConfigLike, *, municipality=None):
        self.config = config
        self.municipality = municipality

    def transaction_create(self, request: PaymentRequestData) -> TransactionCreated:
        raise NotImplementedError

    def transaction_status(self, transaction_id: str) -> TransactionState:
        raise NotImplementedError
