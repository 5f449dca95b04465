"""A case's fee becomes a payment: Kassenzeichen, purpose and description for the platform."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from rathaus.cases.constants import CaseStatus
from rathaus.cases.services import case_fee, case_transition
from rathaus.catalogue.selectors import service_list_for
from rathaus.core.audit import audit_event_record

from ..constants import DESCRIPTION_MAX_LENGTH, PURPOSE_MAX_LENGTH
from ..kassenzeichen import kassenzeichen_build
from ..models import KassenzeichenCounter, Payment


def kassenzeichen_allocate(*, municipality, at: datetime.datetime) -> str:
    """The next Kassenzeichen of ``municipality``; the counter row stays locked until commit."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("kassenzeichen_allocate() must run inside a transaction")
    year = timezone.localtime(at).year
    KassenzeichenCounter.objects.get_or_create(municipality=municipality, year=year)
    counter = KassenzeichenCounter.objects.select_for_update().get(
        municipality=municipality, year=year
    )
    counter.last_value += 1
    counter.save(update_fields=["last_value"])
    return kassenzeichen_build(ags=municipality.ags, year=year, sequence=counter.last_value)


def _clean(text: str, *, pattern: str, limit: int) -> str:
    return re.sub(pattern, "", text).strip()[:limit]


def purpose_for(case) -> str:
    # XBezahldienste: at most 27 characters of letters, digits, spaces and hyphens.
    return _clean(case.reference, pattern=r"[^\w\s-]", limit=PURPOSE_MAX_LENGTH)


def _service_texts(*, municipality, service_slug: str) -> tuple[str, str]:

    offering = (
        service_list_for(municipality=municipality).filter(service__slug=service_slug).first()
    )
    if offering is None:
        return service_slug, ""
    return offering.service.name, offering.service.legal_basis


@transaction.atomic
def payment_for_case_require(*, case, amount: Decimal | None = None) -> Payment | None:
    """Called from a paid procedure's ``on_submit``: the fee (from the catalogue unless given)
    becomes a Payment, and the case waits for it before it reaches the back office."""
    if amount is None:
        amount = case_fee(case=case)
    if amount is None or amount <= 0:
        return None
    existing = Payment.objects.filter(case=case, municipality=case.municipality_id).first()
    if existing is not None:
        return existing
    name, legal_basis = _service_texts(
        municipality=case.municipality, service_slug=case.service_slug
    )
    payment = Payment(
        municipality=case.municipality,
        case=case,
        kassenzeichen=kassenzeichen_allocate(municipality=case.municipality, at=timezone.now()),
        amount=amount,
        currency="EUR",
        purpose=purpose_for(case),
        description=_clean(name, pattern=r"[^\w\s\-,.\u00C0-\u017F]", limit=DESCRIPTION_MAX_LENGTH),
        legal_basis=legal_basis,
    )
    payment.full_clean(exclude=["case", "municipality", "fee_waived_by"])
    payment.save()
    audit_event_record(
        action="payment.created",
        municipality=case.municipality,
        target=payment,
        data={"case": case.pk, "amount": str(amount)},
    )
    if case.status == CaseStatus.SUBMITTED:
        case_transition(case=case, to_status=CaseStatus.AWAITING_PAYMENT, actor=None)
    return payment
