"""Downloads of a case's attachments and issued documents, each a logged read."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from rathaus.accounts.decorators import staff_required
from rathaus.cases import selectors, services
from rathaus.cases.models import CaseReadCategory
from rathaus.documents import selectors as document_selectors

from .common import file_response, staff_case


def _document_filename(case, document, extension: str = "pdf") -> str:
    title = selectors.issued_document_title(case=case, document=document)
    return f"{title}-{case.reference}.{extension}".replace(" ", "-")


def _logged_read(request: HttpRequest, case, category: str) -> None:
    services.case_read_logged(
        actor=request.user,
        municipality=request.municipality,
        reference=case.reference,
        data_categories=[category],
    )


@staff_required()
@require_GET
def attachment_download(request: HttpRequest, reference: str, attachment_id) -> HttpResponse:
    """A file of the case, for its town's staff; the download is a read (category attachments).

    Unknown files of a case the clerk may see are 404 and logged as nothing."""
    case = staff_case(request, reference)
    attachment = selectors.case_attachments(case=case).filter(public_id=attachment_id).first()
    if attachment is None:
        raise Http404
    _logged_read(request, case, CaseReadCategory.ATTACHMENTS)
    return file_response(
        selectors.attachment_content(attachment=attachment),
        content_type=attachment.content_type,
        filename=attachment.original_name,
    )


@staff_required()
@require_GET
def document_download(request: HttpRequest, reference: str, document_id) -> HttpResponse:
    """An issued document of the case, for its town's staff (read log: documents)."""
    case = staff_case(request, reference)
    document = selectors.case_issued_documents(case=case).filter(public_id=document_id).first()
    if document is None:
        raise Http404
    _logged_read(request, case, CaseReadCategory.DOCUMENTS)
    content = document_selectors.issued_document_content(document=document)
    media_type, extension = document_selectors.issued_document_format(content=content)
    return file_response(
        content,
        content_type=media_type,
        filename=_document_filename(case, document, extension),
    )
