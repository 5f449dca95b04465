from django.utils.translation import gettext_lazy as _

from rathaus.cases.constants import CaseStatus
from rathaus.cases.models import CaseReadCategory

INBOX_PAGE_SIZE = 25
READ_LOG_PAGE_SIZE = 25
PAGE_PARAM = "seite"

# What the case page shows, as recorded in the read log.
CASE_PAGE_DATA = [
    CaseReadCategory.ANSWERS,
    CaseReadCategory.MESSAGES,
    CaseReadCategory.HISTORY,
    CaseReadCategory.ATTACHMENTS,
    CaseReadCategory.DOCUMENTS,
]
PAYMENT_PAGE_SIZE = 25

SORT_CHOICES = [
    ("-submitted", _("Submitted, newest first")),
    ("submitted", _("Submitted, oldest first")),
    ("status", _("Status, in order of processing")),
    ("-status", _("Status, in reverse order")),
]

# Actions that need nothing but a click (they decide nothing): URL slug -> target status.
SIMPLE_ACTIONS = {
    "pruefen": CaseStatus.IN_REVIEW,
}
