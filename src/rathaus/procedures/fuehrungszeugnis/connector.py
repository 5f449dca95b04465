"""How Rathaus hands an application to the federal register. Real installations send it over
their state's transport (OSCI / XBfJ gateway); ``settings.RATHAUS_BZR_CONNECTOR`` names the class,
with the demo connector as the default. A connector sends one written outbox message and records
the transmission with ``services.bzr_transmission_record``."""

from __future__ import annotations

import functools
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from rathaus.core.huey import task_after_commit

from .models import BzrOutboxMessage
from .services import DEMO_TRANSMISSION_PREFIX, bzr_transmission_record
from .tasks import bzr_demo_receipt


class BzrConnector(Protocol):
    label: str

    def transmit(self, *, message: BzrOutboxMessage) -> BzrOutboxMessage: ...


class DemoBzrConnector:
    """Demo stand-in: reaches no federal register. It records the transmission at once and
    confirms receipt after ``RATHAUS_BZR_DEMO_CONFIRM_SECONDS`` through a background task; a
    confirmation that could not be scheduled is made by ``tasks.bzr_demo_receipts_overdue``."""

    label = _("Demo connector (no federal register is reached)")

    def transmit(self, *, message: BzrOutboxMessage) -> BzrOutboxMessage:
        recorded = bzr_transmission_record(
            message=message,
            transmission_id=f"{DEMO_TRANSMISSION_PREFIX}{message.public_id}",
            at=timezone.now(),
        )
        task_after_commit(
            functools.partial(
                bzr_demo_receipt.schedule,
                kwargs={"message_id": message.pk},
                delay=settings.RATHAUS_BZR_DEMO_CONFIRM_SECONDS,
            ),
            what="demo register receipt",
        )
        return recorded


def bzr_connector() -> BzrConnector:
    return import_string(settings.RATHAUS_BZR_CONNECTOR)()


def connector_name(connector: BzrConnector) -> str:
    kind = type(connector)
    return f"{kind.__module__}.{kind.__qualname__}"
