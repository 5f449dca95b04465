"""The daily export of booked payments for the town's finance system (no personal data)."""

from __future__ import annotations

import csv
import datetime
import io
import json
from pathlib import Path

from django.utils import timezone

from rathaus.tenants.models import Municipality

from ..constants import LedgerKind
from ..models import PaymentLedgerEntry
from .status import P

EXPORT_FIELDS = [
    "kassenzeichen",
    "booked_at",
    "amount",
    "currency",
    "purpose",
    "case_reference",
    "payment_method",
    "provider",
    "provider_transaction_id",
    "needs_clerk_attention",
]


def payments_booked_rows(*, municipality, day: datetime.date) -> list[dict[str, str]]:
    """Payments booked as paid on ``day`` (Europe/Berlin) in ``municipality``: no personal data."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), tz)
    end = start + datetime.timedelta(days=1)
    entries = (
        PaymentLedgerEntry.objects.filter(
            municipality=municipality,
            to_status=P.PAID,
            kind=LedgerKind.TRANSITION,
            created_at__gte=start,
            created_at__lt=end,
        )
        .select_related("payment", "payment__case")
        .order_by("created_at", "pk")
    )
    return [
        {
            "kassenzeichen": entry.payment.kassenzeichen,
            "booked_at": timezone.localtime(entry.created_at).isoformat(timespec="seconds"),
            "amount": str(entry.payment.amount),
            "currency": entry.payment.currency,
            "purpose": entry.payment.purpose,
            "case_reference": entry.payment.case.reference,
            "payment_method": entry.payment.payment_method,
            "provider": entry.payment.provider_key,
            "provider_transaction_id": entry.provider_transaction_id,
            "needs_clerk_attention": "1" if entry.payment.needs_clerk_attention else "0",
        }
        for entry in entries
    ]


def payments_export_render(rows: list[dict[str, str]]) -> tuple[str, str]:
    """(CSV, JSON) of export rows; CSV with ";" as German spreadsheet programs expect."""

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_FIELDS, delimiter=";", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue(), json.dumps(rows, ensure_ascii=False, indent=2)


def payments_export_write(*, day: datetime.date, directory) -> list:
    """Write ``<directory>/<town slug>/<day>.csv`` and ``.json`` for every active town."""

    written = []
    for municipality in Municipality.objects.filter(is_active=True):
        csv_text, json_text = payments_export_render(
            payments_booked_rows(municipality=municipality, day=day)
        )
        folder = Path(directory) / municipality.slug
        folder.mkdir(parents=True, exist_ok=True)
        for suffix, text in (("csv", csv_text), ("json", json_text)):
            path = folder / f"{day.isoformat()}.{suffix}"
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
