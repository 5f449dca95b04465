"""Background tasks of the Führungszeugnis (ids only)."""

from huey.contrib.djhuey import db_task

from .services import bzr_receipt_confirm


@db_task()
def bzr_demo_receipt(*, message_id: int) -> None:
    """The demo connector's stand-in for the federal register's confirmation of receipt."""
    bzr_receipt_confirm(message_id=message_id)
