import datetime

from django.utils.translation import gettext_lazy as _

from rathaus.accounts.constants import TrustLevel
from rathaus.procedures.base import Procedure
from rathaus.procedures.registry import register

from .forms import ApplicantPage, ContactPreferencePage, FilePage, PhonePage, RequestPage


@register
class GeneralRequest(Procedure):
    key = "allgemeines-anliegen"
    title = _("General request")
    description = _(
        "Send the town a question, a suggestion or a request that no other online service covers."
    )
    service_slug = "allgemeines-anliegen"
    pages = [RequestPage, FilePage, ContactPreferencePage, PhonePage, ApplicantPage]
    trust_level = TrustLevel.BASIC
    account_required = False
    issuable_document_types = ["reply_letter"]
    retention = datetime.timedelta(days=365)
    four_eyes = False
    next_steps = _(
        "We will look at your request within five working days and reply the way you chose. "
        "Please keep your reference number for any questions."
    )

    def on_submit(self, *, case) -> None:
        from rathaus.cases.services import attachments_of_skipped_pages_remove

        # A file added before the citizen unticked "add a file" is not submitted.
        attachments_of_skipped_pages_remove(case=case, procedure=self)
