from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ..base import PaymentProvider, PaymentRequestData, TransactionCreated, TransactionState
from ..registry import register
from .client import XBezahldiensteClient


@register
class XBezahldiensteProvider(PaymentProvider):
    key = "xbezahldienste"
    title = _("XBezahldienste 1.0.0 platform")

    def client(self) -> XBezahldiensteClient:
        config = self.config
        return XBezahldiensteClient(
            base_url=config.base_url,
            token_url=config.token_url,
            originator_id=config.originator_id,
            endpoint_id=config.endpoint_id,
            client_id=config.client_id,
            client_secret=config.client_secret,
            headers=self.extra_headers(),
        )

    def extra_headers(self) -> dict[str, str]:
        return {}

    def transaction_create(self, request: PaymentRequestData) -> TransactionCreated:
        return self.client().transaction_create(request)

    def transaction_status(self, transaction_id: str) -> TransactionState:
        return self.client().transaction_status(transaction_id)
