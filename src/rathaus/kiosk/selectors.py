from __future__ import annotations

from django.db.models import QuerySet

from rathaus.appointments.models import WaitTicket
from rathaus.core.crypto import blind_index

from .constants import DEVICE_TOKEN_PURPOSE
from .models import Terminal


def device_token_digest(token: str) -> str:
    return blind_index(token, purpose=DEVICE_TOKEN_PURPOSE) if token else ""


def terminal_for_device(*, municipality, token: str) -> Terminal | None:
    """The active terminal of ``municipality`` whose device token the browser holds, else None
    (a revoked terminal, a re-enrolled one, or another town's)."""
    digest = device_token_digest(token)
    if municipality is None or not digest:
        return None
    return (
        Terminal.objects.select_related("office")
        .filter(municipality=municipality, device_token_digest=digest, revoked_at__isnull=True)
        .first()
    )


def terminal_list(*, municipality) -> QuerySet[Terminal]:
    return Terminal.objects.filter(municipality=municipality).select_related("office")


def visitor_ticket(*, municipality, office, ticket_id: int) -> WaitTicket | None:
    """The Wartenummer the visitor drew at this terminal (its id lives in their session only)."""
    return (
        WaitTicket.objects.filter(municipality=municipality, office=office, pk=ticket_id)
        .select_related("booking")
        .first()
    )
