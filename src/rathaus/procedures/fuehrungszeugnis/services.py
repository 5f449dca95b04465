"""Writing, transmitting and confirming the messages of the outbox to the federal register."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from rathaus.cases.constants import CaseStatus
from rathaus.cases.models import Case
from rathaus.cases.services import case_stage_set, case_transition
from rathaus.core.audit import audit_event_record
from rathaus.payments.selectors import payment_for_case

from .messages import MESSAGE_TYPE, Authority, BzrApplication, LegalRepresentative, application_xml
from .models import BzrMessageStatus, BzrOutboxMessage
from .rules import PERSON_FIELDS, FeeBasis, needs_authority
from .subject import for_child

FEE_STATUS = {
    FeeBasis.PAY: "bezahlt",
    FeeBasis.VOLUNTEER: "befreit-ehrenamt",
    FeeBasis.REDUCTION: "ermaessigung-beantragt",
}
STAGE_SENT = "sent"
STAGE_CONFIRMED = "confirmed"


def person_concerned(answers) -> dict:
    """The data of the person the certificate is about: the applicant's own answers, or, when a
    legal guardian applies, their child's."""
    prefix = "child_" if for_child(answers) else ""
    return {name: answers.get(f"{prefix}{name}") or "" for name in PERSON_FIELDS}


def _representative(answers) -> LegalRepresentative | None:
    guardian = answers.get("guardian") if for_child(answers) else None
    if not guardian:
        return None
    return LegalRepresentative(
        family_name=guardian["family_name"],
        birth_name=guardian.get("birth_name") or "",
        given_names=guardian["given_names"],
        birth_date=datetime.date.fromisoformat(guardian["birth_date"]),
        birth_place=guardian.get("birth_place") or "",
        street=guardian.get("street") or "",
        house_number=guardian.get("house_number") or "",
        postal_code=guardian.get("postal_code") or "",
        city=guardian.get("city") or "",
    )


def application_data(*, case: Case, checked_at: datetime.datetime) -> BzrApplication:
    """The message's content, chosen field by field from the case's answers."""
    answers = case.answers or {}
    kind = answers["kind"]
    payment = payment_for_case(case=case)
    basis = answers.get("fee_basis", FeeBasis.PAY)
    authority = None
    if needs_authority(kind):
        authority = Authority(
            name=answers["authority_name"],
            address=" ".join(answers["authority_address"].split()),
            reference=answers["authority_reference"],
        )
    person = person_concerned(answers)
    return BzrApplication(
        message_id=uuid.uuid4(),
        created_at=timezone.localtime(),
        sender_ags=case.municipality.ags,
        sender_name=case.municipality.name,
        case_reference=case.reference,
        kind=kind,
        purpose=answers.get("purpose", ""),
        fee_status=FEE_STATUS[basis],
        fee_amount=payment.amount if payment is not None else Decimal("0.00"),
        kassenzeichen=payment.kassenzeichen if payment is not None else "",
        family_name=person["family_name"],
        birth_name=person["birth_name"],
        given_names=person["given_names"],
        birth_date=datetime.date.fromisoformat(person["birth_date"]),
        birth_place=person["birth_place"],
        street=person["street"],
        house_number=person["house_number"],
        postal_code=person["postal_code"],
        city=person["city"],
        identity_checked_at=timezone.localtime(checked_at),
        authority=authority,
        court=answers.get("court", "") if kind == "P" else "",
        request_letter=answers.get("request_letter", ""),
        representative=_representative(answers),
    )


def bzr_message_write(*, case: Case, connector: str, checked_at: datetime.datetime):
    """The application message for ``case`` in the outbox (status "written"); one per case."""
    data = application_data(case=case, checked_at=checked_at)
    with transaction.atomic():
        message = BzrOutboxMessage(
            public_id=data.message_id,
            municipality=case.municipality,
            case=case,
            message_type=MESSAGE_TYPE,
            content=application_xml(data).decode(),
            connector=connector,
        )
        message.full_clean(exclude=["case", "municipality", "content"])
        message.save()
        audit_event_record(
            action="fuehrungszeugnis.message_written",
            municipality=case.municipality,
            target=message,
            data={"case": case.reference, "message_type": MESSAGE_TYPE},
        )
    return message


# The demo connector's transmissions carry this prefix: no transport of a federal register uses it.
DEMO_TRANSMISSION_PREFIX = "DEMO-"


def bzr_demo_receipts_overdue(*, now: datetime.datetime, seconds: int) -> list[int]:
    """Ids of the demo connector's messages transmitted more than ``seconds`` ago whose receipt
    was never confirmed: the confirmation's task was not scheduled (the task queue's Redis away
    at that moment) or was lost with a worker."""
    return list(
        BzrOutboxMessage.objects.filter(
            transmission_id__startswith=DEMO_TRANSMISSION_PREFIX,
            transmitted_at__lte=now - datetime.timedelta(seconds=seconds),
        )
        .exclude(status=BzrMessageStatus.CONFIRMED)
        .order_by("transmitted_at")
        .values_list("pk", flat=True)[:100]
    )


def bzr_transmission_record(
    *, message: BzrOutboxMessage, transmission_id: str, at: datetime.datetime
) -> BzrOutboxMessage:
    """A connector handed the message over: when, and under which id of the transport."""
    with transaction.atomic():
        locked = BzrOutboxMessage.objects.select_for_update().get(pk=message.pk)
        locked.transmitted_at = at
        locked.transmission_id = transmission_id
        locked.save(update_fields=["transmitted_at", "transmission_id"])
        audit_event_record(
            action="fuehrungszeugnis.message_transmitted",
            municipality=locked.municipality,
            target=locked,
            data={"transmission_id": transmission_id},
        )
    return locked


def bzr_receipt_confirm(*, message_id: int) -> BzrOutboxMessage | None:
    """The federal register confirmed receipt: the message is confirmed, the case reaches its
    last stage and is completed. Confirming twice changes nothing."""
    with transaction.atomic():
        # Only the outbox row is locked (the case is nullable: no outer join under FOR UPDATE);
        # the stage and the transition lock the case themselves.
        message = (
            BzrOutboxMessage.objects.select_for_update(of=("self",)).filter(pk=message_id).first()
        )
        if message is None or message.status == BzrMessageStatus.CONFIRMED:
            return message
        message.status = BzrMessageStatus.CONFIRMED
        message.confirmed_at = timezone.now()
        message.save(update_fields=["status", "confirmed_at"])
        audit_event_record(
            action="fuehrungszeugnis.receipt_confirmed",
            municipality=message.municipality,
            target=message,
        )
        case = message.case
        if case is not None and case.status == CaseStatus.APPROVED:
            case_stage_set(case=case, to_stage=STAGE_CONFIRMED, actor=None)
            case_transition(case=case, to_status=CaseStatus.COMPLETED, actor=None)
    return message
