"""Reference numbers: one gap-free sequence per town and year, allocated inside the submit
transaction."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from ..constants import REFERENCE_SEQUENCE_DIGITS
from ..models import ReferenceCounter


def reference_allocate(*, municipality, at: datetime.datetime) -> str:
    """The next reference number of ``municipality`` for the year of ``at``, without gaps.

    Must run inside the submit transaction: the counter row stays locked until it commits, and a
    rolled-back submit gives its number back. Keep that transaction short: every submit of the
    town waits for it (the system's decision and its PDF run after it, see ``case_submit``).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("reference_allocate() must run inside a transaction")
    year = timezone.localtime(at).year
    # Read and locked in one statement; the year's first submit creates the row (a concurrent
    # first one waits for it, then reads it locked).
    counter, _created = ReferenceCounter.objects.select_for_update().get_or_create(
        municipality=municipality, year=year
    )
    counter.last_value += 1
    counter.save(update_fields=["last_value"])
    sequence = str(counter.last_value).zfill(REFERENCE_SEQUENCE_DIGITS)
    return f"{municipality.reference_prefix}-{year}-{sequence}"
