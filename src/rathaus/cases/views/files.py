"""Files of a case: the question page with a file upload, downloads of attachments, the receipt
and issued documents."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from rathaus.documents.selectors import issued_document_content, issued_document_format

from .. import selectors, services
from ..attachments import AttachmentError, size_label
from ..plugin import AttachmentPage
from .journey import (
    RETURN_TO_CHECK,
    back_link_url,
    confirmation_url,
    draft_journey,
    draft_owner_token,
    next_page_url,
)


def _file_response(data: bytes, *, content_type: str, filename: str, inline: bool = False):
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
def attachment_page(
    request: HttpRequest, procedure_key: str, public_id, page_slug: str
) -> HttpResponse:
    """A question page with one file (``plugin.AttachmentPage``): upload, replace or remove."""
    procedure, case, refused = draft_journey(request, procedure_key, public_id)
    if refused is not None:
        return refused
    if not case.is_draft:
        return redirect(confirmation_url(case))
    page_class = procedure.page(page_slug)
    active = procedure.active_pages(case.answers or {})
    if page_class is None or not issubclass(page_class, AttachmentPage) or page_class not in active:
        raise Http404
    field_name = page_class.field_names()[0]
    back_to_check = request.GET.get(RETURN_TO_CHECK) == "1"
    current = selectors.page_attachment(case=case, page_slug=page_class.slug)
    owner_token = draft_owner_token(request)
    if request.method == "POST":
        form = page_class(data=request.POST, files=request.FILES)
    else:
        form = page_class()
    form.fields[field_name].help_text = _(
        "A PDF, JPEG or PNG file of at most %(max_size)s. Photos are saved without their "
        "location and camera data."
    ) % {"max_size": size_label(procedure.attachment_max_bytes)}
    if request.method == "POST":
        if request.POST.get("action") == "remove" and current is not None:
            services.attachment_remove(
                attachment=current, actor=request.user, owner_token=owner_token
            )
            services.case_draft_answers_save(
                case=case, page=page_class, cleaned_data={}, actor=request.user
            )
            messages.success(request, _("The file has been removed."))
            return redirect(request.get_full_path())
        if form.is_valid():
            upload = form.cleaned_data.get(field_name)
            if upload:
                try:
                    current = services.attachment_add(
                        case=case,
                        upload=upload,
                        actor=request.user,
                        owner_token=owner_token,
                        page_slug=page_class.slug,
                    )
                except AttachmentError as exc:
                    form.add_error(field_name, exc.message)
            elif current is None and not page_class.file_optional:
                form.add_error(
                    field_name,
                    page_class.missing_message
                    or _("Select a file, or go back and untick “add a file”."),
                )
        if form.is_bound and not form.errors:
            services.case_draft_answers_save(
                case=case,
                page=page_class,
                cleaned_data={field_name: current.original_name if current else ""},
                actor=request.user,
            )
            return redirect(next_page_url(procedure, case, page_class, back_to_check=back_to_check))
    back_url = back_link_url(procedure, case, page_class, back_to_check=back_to_check)
    # Whoever reached this page chose to add a file: without one already stored it is needed,
    # so it is not labelled "optional" (validation above gives the page's own message) —
    # unless the page declares the file optional.
    form.fields[field_name].required = current is None and not page_class.file_optional
    return render(
        request,
        "cases/attachment_page.html",
        {
            "procedure": procedure,
            "page": page_class,
            "form": form,
            "field": form[field_name],
            "current": current,
            "back_url": back_url,
        },
    )


@require_http_methods(["GET"])
def attachment_download(request: HttpRequest, reference: str, attachment_id) -> HttpResponse:
    attachment = selectors.access_attachment(
        actor=request.user,
        municipality=request.municipality,
        reference=reference,
        public_id=attachment_id,
    )
    return _file_response(
        selectors.attachment_content(attachment=attachment),
        content_type=attachment.content_type,
        filename=attachment.original_name,
    )


@require_http_methods(["GET"])
def receipt_download(request: HttpRequest, reference: str) -> HttpResponse:
    """The Eingangsbestätigung (PDF receipt) from the citizen's case page."""
    case = selectors.access_case_by_reference(
        actor=request.user, municipality=request.municipality, reference=reference
    )
    return _file_response(
        services.receipt_render(case=case),
        content_type="application/pdf",
        filename=f"Eingangsbestaetigung-{case.reference}.pdf",
    )


@require_http_methods(["GET"])
def confirmation_receipt_download(request: HttpRequest, public_id) -> HttpResponse:
    """The PDF receipt from the confirmation page (also for visitors without an account)."""
    case = selectors.access_own_case(
        actor=request.user,
        owner_token=draft_owner_token(request),
        municipality=request.municipality,
        public_id=public_id,
    )
    if case.is_draft:
        raise Http404
    return _file_response(
        services.receipt_render(case=case),
        content_type="application/pdf",
        filename=f"Eingangsbestaetigung-{case.reference}.pdf",
    )


@require_http_methods(["GET"])
def issued_document_download(request: HttpRequest, reference: str, document_id) -> HttpResponse:
    document = selectors.access_issued_document(
        actor=request.user,
        municipality=request.municipality,
        reference=reference,
        public_id=document_id,
    )
    content = issued_document_content(document=document)
    media_type, extension = issued_document_format(content=content)
    return _file_response(
        content,
        content_type=media_type,
        filename=f"{document.title}-{reference}.{extension}".replace(" ", "-"),
    )
