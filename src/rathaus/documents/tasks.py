from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import orphaned_files_delete


@db_periodic_task(crontab(hour="4", minute="7"))
def encrypted_orphans_delete() -> None:
    """Daily: delete encrypted files that no attachment or document names any more."""
    orphaned_files_delete()
