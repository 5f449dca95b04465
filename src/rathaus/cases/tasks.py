from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import (
    case_drafts_expired_delete,
    case_follow_ups_resume,
    case_retention_purge,
    orphaned_files_delete,
    read_logs_purge,
)


@db_periodic_task(crontab(hour="3", minute="17"))
def drafts_expired_delete() -> None:
    case_drafts_expired_delete()


@db_periodic_task(crontab(hour="3", minute="41"))
def cases_retention_purge() -> None:
    """Daily: delete closed cases past their procedure's retention period, with their files."""
    case_retention_purge()


@db_periodic_task(crontab(hour="3", minute="53"))
def case_read_logs_purge() -> None:
    """Daily: delete read-log entries older than twelve months (§40 BMG)."""
    read_logs_purge()


@db_periodic_task(crontab(hour="4", minute="7"))
def encrypted_orphans_delete() -> None:
    """Daily: delete encrypted files that no attachment or document names any more."""
    orphaned_files_delete()


@db_periodic_task(crontab(minute="*/5"))
def submit_follow_ups_resume() -> int:
    """Every five minutes: run the decision rule and send the receipt of cases whose submit
    committed but whose follow-up was lost with its process (``case_follow_ups_resume``)."""
    return case_follow_ups_resume()
