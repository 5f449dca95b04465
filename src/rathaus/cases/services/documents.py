"""Documents of a case: issuing its procedure's verifiable PDFs and rendering the receipt."""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rathaus.documents.constants import DocumentErrorCode
from rathaus.documents.errors import DocumentError
from rathaus.documents.rendering import pdf_render
from rathaus.documents.services import document_store

from ..constants import ActorRole, CaseStatus
from ..models import Case
from ..plugin import procedure_get
from ..selectors import case_attachments, case_language
from .context import actor_role_for_case


def case_document_issue(*, case: Case, document_type: str, actor):
    """Issue ``case``'s procedure's document ``document_type`` as a verifiable PDF, with the data
    the document type's builder chooses. ``actor``: a staff member of the case's town, or None
    for the system. Raises ``DocumentError``."""
    procedure = procedure_get(case.procedure_key)
    kind = procedure.document_type(document_type)
    if kind is None:
        raise DocumentError(DocumentErrorCode.UNKNOWN_DOCUMENT_TYPE)
    if actor_role_for_case(actor=actor, case=case) not in (ActorRole.STAFF, ActorRole.SYSTEM):
        raise DocumentError(DocumentErrorCode.ACTOR_NOT_PERMITTED)
    if case.status in (CaseStatus.DRAFT, CaseStatus.AWAITING_PAYMENT):
        raise DocumentError(DocumentErrorCode.CASE_NOT_SUBMITTED)
    # A document is written in the case's language (``selectors.case_language``).
    with translation.override(case_language(case=case)):
        return document_store(case=case, kind=kind, data=kind.build(case), actor=actor)


def receipt_render(*, case: Case) -> bytes:
    """The Eingangsbestätigung: what was submitted, when, under which reference (not stored);
    in the case's language, like the documents issued for it."""
    procedure = procedure_get(case.procedure_key)
    with translation.override(case_language(case=case)):
        rows = [
            (str(label), value)
            for _p, _n, label, value in procedure.summary_rows(case.answers or {})
        ]
        return pdf_render(
            template="documents/pdf/receipt.html",
            context={
                "title": _("Receipt of your request (Eingangsbestätigung)"),
                "case": case,
                "procedure_title": str(procedure.title),
                "rows": rows,
                "attachments": [a.original_name for a in case_attachments(case=case)],
                "submitted_at": timezone.localtime(case.submitted_at)
                if case.submitted_at
                else None,
            },
            municipality=case.municipality,
        )
