import datetime

from django.utils.translation import gettext_lazy as _

from rathaus.cases.constants import CaseStatus
from rathaus.cases.plugin import (
    DEFAULT_DECISION_WORDING,
    DecisionWording,
    DocumentType,
    Procedure,
)
from rathaus.cases.selectors import case_decision_text

from .forms import (
    ApplicantPage,
    ContactPreference,
    ContactPreferencePage,
    EmailPage,
    FilePage,
    PhonePage,
    PostalAddressPage,
    RequestPage,
)


def reply_letter_data(case) -> dict:
    """The reply letter names the applicant and the request's subject, and carries the clerk's
    answer; nothing else of the request. Asked for by post, it carries the address it goes to."""
    answers = case.answers or {}
    by_post = answers.get("contact_preference") == ContactPreference.POST
    return {
        "applicant_name": case.applicant_name,
        "postal_address": [
            line
            for line in (
                case.applicant_name,
                answers.get("street", ""),
                f"{answers.get('postal_code', '')} {answers.get('city', '')}".strip(),
            )
            if line
        ]
        if by_post
        else [],
        "subject": answers.get("subject", ""),
        "procedure_title": str(GeneralRequest.title),
        "answer": case_decision_text(case=case, status=CaseStatus.APPROVED),
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
    pages = [
        RequestPage,
        FilePage,
        ContactPreferencePage,
        EmailPage,
        PhonePage,
        PostalAddressPage,
        ApplicantPage,
    ]
    account_required = False
    document_types = [REPLY_LETTER]
    approval_documents = ["reply_letter"]
    retention = datetime.timedelta(days=365)
    four_eyes = False
    next_steps = _(
        "We will look at your request within five working days and reply the way you chose. "
        "Please keep your reference number for any questions."
    )
    # A request is answered, not granted: the clerk's answer is the decision.
    decision_wording = {
        CaseStatus.APPROVED: DecisionWording(
            action=_("Answer"),
            heading=_("Answer the request"),
            status=_("answered"),
            text_label=_("Your answer"),
            text_help=_(
                "The applicant receives this answer in the reply letter and, if they chose it, "
                "by e-mail."
            ),
            text_required=True,
            success=_("The request has been answered."),
        ),
        CaseStatus.COMPLETED: DecisionWording(
            action=_("Close the request"),
            heading=_("Close the request"),
            status=_("closed"),
            text_label=DEFAULT_DECISION_WORDING[CaseStatus.COMPLETED].text_label,
            text_help=DEFAULT_DECISION_WORDING[CaseStatus.COMPLETED].text_help,
            success=_("The request has been closed."),
        ),
    }

    def reply_email(self, answers) -> str:
        if answers.get("contact_preference") != ContactPreference.EMAIL:
            return ""
        return str(answers.get("email") or "").strip()
