"""Citizen pages of the case engine. Views parse input, call one service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from rathaus.accounts.constants import SESSION_TRUST_LEVEL
from rathaus.procedures.registry import procedure_get_or_404, procedure_title

from . import selectors, services
from .attachments import AttachmentError
from .constants import SESSION_DRAFT_OWNER, CaseErrorCode, CaseStatus
from .errors import CaseError
from .forms import MessageWithFileForm, SubmitForm, WithdrawForm
from .transitions import citizen_may_withdraw

RETURN_TO_CHECK = "pruefen"


def _owner_token(request: HttpRequest, *, create: bool = False) -> str:
    token = request.session.get(SESSION_DRAFT_OWNER, "")
    if not token and create:
        token = services.owner_token_new()
        request.session[SESSION_DRAFT_OWNER] = token
    return token


def _journey_case(request, procedure_key: str, public_id):
    return selectors.access_journey_case(
        actor=request.user,
        owner_token=_owner_token(request),
        municipality=request.municipality,
        public_id=public_id,
        procedure_key=procedure_key,
    )


def _page_url(case, page, *, back_to_check: bool = False) -> str:
    url = reverse("cases:page", args=[case.procedure_key, case.public_id, page.slug])
    return f"{url}?{urlencode({RETURN_TO_CHECK: 1})}" if back_to_check else url


def _check_url(case) -> str:
    return reverse("cases:check", args=[case.procedure_key, case.public_id])


def _confirmation_url(case) -> str:
    return reverse("cases:confirmation", args=[case.public_id])


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, procedure_key: str) -> HttpResponse:
    procedure = procedure_get_or_404(procedure_key)
    error = None
    if request.method == "POST":
        try:
            case = services.case_draft_start(
                municipality=request.municipality,
                procedure=procedure,
                actor=request.user,
                owner_token=_owner_token(request, create=True),
                trust_level=request.session.get(SESSION_TRUST_LEVEL),
            )
        except CaseError as exc:
            error = exc
        else:
            return redirect(_page_url(case, procedure.pages[0]))
    drafts = []
    if request.user.is_authenticated:
        drafts = selectors.draft_list_for_citizen(
            actor=request.user, municipality=request.municipality
        ).filter(procedure_key=procedure.key)
    return render(
        request,
        "cases/start.html",
        {
            "procedure": procedure,
            "error": error,
            "drafts": drafts,
            "login_url": f"{reverse('accounts:login')}?{urlencode({'next': request.path})}",
            "fee": procedure.fee(municipality=request.municipality),
            "needs_login": procedure.account_required and not request.user.is_authenticated,
        },
    )


@require_http_methods(["GET", "POST"])
def page(request: HttpRequest, procedure_key: str, public_id, page_slug: str) -> HttpResponse:
    procedure = procedure_get_or_404(procedure_key)
    case = _journey_case(request, procedure_key, public_id)
    if not case.is_draft:
        return redirect(_confirmation_url(case))
    answers = case.answers or {}
    page_class = procedure.page(page_slug)
    active = procedure.active_pages(answers)
    if page_class is None or page_class not in active:
        raise Http404
    back_to_check = request.GET.get(RETURN_TO_CHECK) == "1"
    if request.method == "POST":
        form = page_class(data=request.POST)
        if form.is_valid():
            services.case_draft_answers_save(
                case=case, page=page_class, cleaned_data=form.cleaned_data, actor=request.user
            )
            answers = case.answers
            active = procedure.active_pages(answers)
            if back_to_check:
                missing = procedure.first_unanswered_page(answers)
                if missing is not None:
                    return redirect(_page_url(case, missing, back_to_check=True))
                return redirect(_check_url(case))
            following = active[active.index(page_class) + 1 :]
            return redirect(_page_url(case, following[0]) if following else _check_url(case))
    else:
        form = page_class(initial=procedure.page_data(page_class, answers))
    index = active.index(page_class)
    if back_to_check:
        back_url = _check_url(case)
    elif index > 0:
        back_url = _page_url(case, active[index - 1])
    else:
        back_url = reverse("cases:start", args=[procedure.key])
    return render(
        request,
        "cases/page.html",
        {"procedure": procedure, "page": page_class, "form": form, "back_url": back_url},
    )


@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, procedure_key: str, public_id) -> HttpResponse:
    procedure = procedure_get_or_404(procedure_key)
    case = _journey_case(request, procedure_key, public_id)
    if request.method == "POST":
        form = SubmitForm(data=request.POST)
        if form.is_valid():
            try:
                case, _created = services.case_submit(
                    case=case,
                    actor=request.user,
                    idempotency_key=form.cleaned_data["idempotency_key"],
                )
            except CaseError as exc:
                if exc.code == CaseErrorCode.INCOMPLETE_ANSWERS:
                    return redirect(_page_url(case, procedure.page(exc.details["page"])))
                form.add_error(None, exc.message)
            else:
                return redirect(_confirmation_url(case))
    else:
        if not case.is_draft:
            return redirect(_confirmation_url(case))
        missing = procedure.first_unanswered_page(case.answers or {})
        if missing is not None:
            return redirect(_page_url(case, missing))
        form = SubmitForm(initial={"idempotency_key": case.idempotency_key})
    answers = case.answers or {}
    rows = [
        (label, value, _page_url(case, page_class, back_to_check=True))
        for page_class, label, value in procedure.summary_rows(answers)
    ]
    active = procedure.active_pages(answers)
    return render(
        request,
        "cases/check.html",
        {
            "procedure": procedure,
            "rows": rows,
            "form": form,
            "back_url": _page_url(case, active[-1]),
        },
    )


@require_http_methods(["GET"])
def confirmation(request: HttpRequest, public_id) -> HttpResponse:
    case = selectors.access_own_case(
        actor=request.user,
        owner_token=_owner_token(request),
        municipality=request.municipality,
        public_id=public_id,
    )
    if case.is_draft:
        return redirect(_check_url(case))
    procedure = procedure_get_or_404(case.procedure_key)
    return render(request, "cases/confirmation.html", {"case": case, "procedure": procedure})


@login_required
@require_http_methods(["GET"])
def my_cases(request: HttpRequest) -> HttpResponse:
    cases = selectors.case_list_for_citizen(actor=request.user, municipality=request.municipality)
    drafts = selectors.draft_list_for_citizen(actor=request.user, municipality=request.municipality)
    return render(
        request,
        "cases/my_cases.html",
        {
            "cases": [(case, procedure_title(case.procedure_key)) for case in cases],
            "drafts": [
                (
                    draft,
                    procedure_title(draft.procedure_key),
                    reverse("cases:check", args=[draft.procedure_key, draft.public_id]),
                )
                for draft in drafts
            ],
        },
    )


@require_http_methods(["GET", "POST"])
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    case = selectors.access_case_by_reference(
        actor=request.user, municipality=request.municipality, reference=reference
    )
    is_applicant = case.applicant_id == request.user.pk
    if request.method == "POST":
        if not is_applicant:
            raise Http404
        form = MessageWithFileForm(data=request.POST, files=request.FILES)
        if form.is_valid():
            try:
                services.message_send_with_attachment(
                    case=case,
                    sender=request.user,
                    body=form.cleaned_data["body"],
                    upload=form.cleaned_data.get("attachment"),
                )
            except CaseError as exc:
                form.add_error(None, exc.message)
            except AttachmentError as exc:
                form.add_error("attachment", exc.message)
            else:
                messages.success(request, _("Your message has been sent."))
                return redirect(reverse("cases:case_detail", args=[case.reference]))
    else:
        form = MessageWithFileForm()
        services.messages_mark_read(case=case, reader=request.user)
    procedure = procedure_get_or_404(case.procedure_key)
    rows = [(label, value, None) for _p, label, value in procedure.summary_rows(case.answers or {})]
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "procedure": procedure,
            "rows": rows,
            "events": selectors.case_events(case=case),
            "postfach": selectors.case_messages(case=case),
            "form": form if is_applicant else None,
            "may_withdraw": is_applicant and citizen_may_withdraw(case.status),
        },
    )


@require_http_methods(["GET", "POST"])
def case_withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    case = selectors.access_case_by_reference(
        actor=request.user, municipality=request.municipality, reference=reference
    )
    if case.applicant_id != request.user.pk:
        raise Http404
    detail_url = reverse("cases:case_detail", args=[case.reference])
    if request.method == "POST":
        form = WithdrawForm(data=request.POST)
        if form.is_valid():
            try:
                services.case_withdraw(
                    case=case, actor=request.user, reason=form.cleaned_data["reason"]
                )
            except CaseError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Your request has been withdrawn."))
                return redirect(detail_url)
    else:
        form = WithdrawForm()
    return render(
        request,
        "cases/withdraw.html",
        {
            "case": case,
            "form": form,
            "back_url": detail_url,
            "may_withdraw": citizen_may_withdraw(case.status),
            "status_withdrawn": CaseStatus.WITHDRAWN,
        },
    )


# --- attachments and documents -------------------------------------------------------------------
def _file_response(data: bytes, *, content_type: str, filename: str, inline: bool = False):
    from django.utils.http import content_disposition_header

    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
def attachment_page(
    request: HttpRequest, procedure_key: str, public_id, page_slug: str
) -> HttpResponse:
    """A question page with one file (``forms.AttachmentPage``): upload, replace or remove."""
    from .attachments import size_label
    from .forms import AttachmentPage

    procedure = procedure_get_or_404(procedure_key)
    case = _journey_case(request, procedure_key, public_id)
    if not case.is_draft:
        return redirect(_confirmation_url(case))
    page_class = procedure.page(page_slug)
    active = procedure.active_pages(case.answers or {})
    if page_class is None or not issubclass(page_class, AttachmentPage) or page_class not in active:
        raise Http404
    field_name = page_class.field_names()[0]
    back_to_check = request.GET.get(RETURN_TO_CHECK) == "1"
    current = selectors.page_attachment(case=case, page_slug=page_class.slug)
    owner_token = _owner_token(request)
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
            elif current is None:
                form.add_error(field_name, _("Select a file, or go back and untick “add a file”."))
        if form.is_bound and not form.errors:
            services.case_draft_answers_save(
                case=case,
                page=page_class,
                cleaned_data={field_name: current.original_name},
                actor=request.user,
            )
            answers = case.answers
            if back_to_check:
                missing = procedure.first_unanswered_page(answers)
                if missing is not None:
                    return redirect(_page_url(case, missing, back_to_check=True))
                return redirect(_check_url(case))
            active = procedure.active_pages(answers)
            following = active[active.index(page_class) + 1 :]
            return redirect(_page_url(case, following[0]) if following else _check_url(case))
    index = active.index(page_class)
    if back_to_check:
        back_url = _check_url(case)
    elif index > 0:
        back_url = _page_url(case, active[index - 1])
    else:
        back_url = reverse("cases:start", args=[procedure.key])
    # Whoever reached this page chose to add a file: without one already stored it is needed,
    # so it is not labelled "optional" (validation above gives the page's own message).
    form.fields[field_name].required = current is None
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
    from rathaus.documents.services import receipt_render

    case = selectors.access_case_by_reference(
        actor=request.user, municipality=request.municipality, reference=reference
    )
    return _file_response(
        receipt_render(case=case),
        content_type="application/pdf",
        filename=f"Eingangsbestaetigung-{case.reference}.pdf",
    )


@require_http_methods(["GET"])
def confirmation_receipt_download(request: HttpRequest, public_id) -> HttpResponse:
    """The PDF receipt from the confirmation page (also for visitors without an account)."""
    from rathaus.documents.services import receipt_render

    case = selectors.access_own_case(
        actor=request.user,
        owner_token=_owner_token(request),
        municipality=request.municipality,
        public_id=public_id,
    )
    if case.is_draft:
        raise Http404
    return _file_response(
        receipt_render(case=case),
        content_type="application/pdf",
        filename=f"Eingangsbestaetigung-{case.reference}.pdf",
    )


@require_http_methods(["GET"])
def issued_document_download(request: HttpRequest, reference: str, document_id) -> HttpResponse:
    from rathaus.documents.selectors import access_issued_document, issued_document_content

    document = access_issued_document(
        actor=request.user,
        municipality=request.municipality,
        reference=reference,
        public_id=document_id,
    )
    return _file_response(
        issued_document_content(document=document),
        content_type="application/pdf",
        filename=f"{document.title}-{reference}.pdf".replace(" ", "-"),
    )
