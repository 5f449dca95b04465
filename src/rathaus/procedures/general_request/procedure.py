import datetime

from django.utils.translation import gettext_lazy as _

from rathaus.cases.plugin import DocumentType, Procedure

from .forms import ApplicantPage, ContactPreferencePage, FilePage, PhonePage, RequestPage


def reply_letter_data(case) -> dict:
    """The reply letter names the applicant and the request's subject; nothing else."""
    return {
        "applicant_name": case.applicant_name,
        "subject": (case.answers or {}).get("subject", ""),
        "procedure_title": str(GeneralRequest.title),
    }


REPLY_LETTER = DocumentType(
    key="reply_letter",
    title=_("Reply letter"),
    template="procedures/general_request/reply_letter.html",
    build=reply_letter_data,
)


class GeneralRequest(Procedure):
    key = "allgemeines-anliegen"
    title = _("General request")
    description = _(
        "Send the town a question, a suggestion or a request that no other online service covers."
    )
    service_slug = "allgemeines-anliegen"
    pages = [RequestPage, FilePage, ContactPreferencePage, PhonePage, ApplicantPage]
    account_required = False
    document_types = [REPLY_LETTER]
    approval_documents = ["reply_letter"]
    retention = datetime.timedelta(days=365)
    four_eyes = False
    next_steps = _(
        "We will look at your request within five working days and reply the way you chose. "
        "Please keep your reference number for any questions."
    )
