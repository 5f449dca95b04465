"""Citizen pages of the case engine. Views parse input, call one service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from rathaus.accounts.constants import SESSION_TRUST_LEVEL
from rathaus.accounts.throttle import client_ip, lookup_allowed
from rathaus.core.crypto import blind_index
from rathaus.core.ratelimit import window_allow
from rathaus.documents.selectors import issued_document_content, issued_document_format

from . import selectors, services
from .attachments import AttachmentError, size_label
from .constants import SESSION_DRAFT_OWNER, CaseErrorCode, CaseStatus
from .errors import CaseError
from .forms import (
    ConfirmRemoveForm,
    MessageWithFileForm,
    StatusLookupForm,
    SubmitForm,
    WithdrawForm,
)
from .plugin import (
    AttachmentPage,
    JourneyContext,
    RepeatingGroupPage,
    journey_services,
    procedure_get_or_404,
    procedure_title,
)
from .plugin.pages import AddAnotherForm, form_data
from .plugin.procedure import STAGE_STATUSES
from .transitions import citizen_may_withdraw

RETURN_TO_CHECK = "pruefen"


def _owner_token(request: HttpRequest, *, create: bool = False) -> str:
    token = request.session.get(SESSION_DRAFT_OWNER, "")
    if not token and create:
        token = services.owner_token_new()
        request.session[SESSION_DRAFT_OWNER] = token
    return token


def _trust_level(request: HttpRequest) -> str | None:
    return request.session.get(SESSION_TRUST_LEVEL)


def _actor(request: HttpRequest):
    return request.user if request.user.is_authenticated else None


def _context(request: HttpRequest, procedure, case, answers=None) -> JourneyContext:
    return JourneyContext(
        municipality=request.municipality,
        procedure=procedure,
        actor=_actor(request),
        trust_level=_trust_level(request),
        case=case,
        answers=case.answers or {} if answers is None else answers,
    )


def _journey(request: HttpRequest, procedure_key: str, public_id):
    """The procedure and the visitor's draft; a draft whose service the town no longer offers,
    or whose trust level this session no longer meets, goes back to the start page."""
    procedure = procedure_get_or_404(procedure_key)
    case = selectors.access_journey_case(
        actor=request.user,
        owner_token=_owner_token(request),
        municipality=request.municipality,
        public_id=public_id,
        procedure_key=procedure_key,
    )
    if case.is_draft and _access_error(request, procedure) is not None:
        return procedure, case, redirect("cases:start", procedure_key=procedure.key)
    return procedure, case, None


def _access_error(request: HttpRequest, procedure) -> CaseError | None:
    """Why this visitor may not apply for ``procedure`` here (None: they may). A service the town
    does not offer is a 404, as if the procedure did not exist."""
    try:
        services.case_access_check(
            procedure=procedure,
            municipality=request.municipality,
            actor=request.user,
            trust_level=_trust_level(request),
        )
    except CaseError as exc:
        if exc.code == CaseErrorCode.SERVICE_NOT_OFFERED:
            raise Http404 from exc
        return exc
    return None


def _page_url(case, page, *, back_to_check: bool = False) -> str:
    url = reverse("cases:page", args=[case.procedure_key, case.public_id, page.slug])
    return f"{url}?{urlencode({RETURN_TO_CHECK: 1})}" if back_to_check else url


def _item_url(case, page, index: int | None, *, back_to_check: bool = False) -> str:
    if index is None:
        url = reverse("cases:group_add", args=[case.procedure_key, case.public_id, page.slug])
    else:
        url = reverse(
            "cases:group_item", args=[case.procedure_key, case.public_id, page.slug, index]
        )
    return f"{url}?{urlencode({RETURN_TO_CHECK: 1})}" if back_to_check else url


def _check_url(case) -> str:
    return reverse("cases:check", args=[case.procedure_key, case.public_id])


def _confirmation_url(case) -> str:
    return reverse("cases:confirmation", args=[case.public_id])


def _next_url(procedure, case, page, *, back_to_check: bool) -> str:
    """Where saving ``page`` leads: the next unanswered page when coming from the check page,
    else the next page asked, else the check page."""
    answers = case.answers or {}
    if back_to_check:
        missing = procedure.first_unanswered_page(answers)
        return _page_url(case, missing, back_to_check=True) if missing else _check_url(case)
    active = procedure.active_pages(answers)
    following = active[active.index(page) + 1 :] if page in active else []
    return _page_url(case, following[0]) if following else _check_url(case)


def _back_url(procedure, case, page, *, back_to_check: bool) -> str:
    if back_to_check:
        return _check_url(case)
    active = procedure.active_pages(case.answers or {})
    index = active.index(page)
    return (
        _page_url(case, active[index - 1])
        if index > 0
        else reverse("cases:start", args=[procedure.key])
    )


def _cross_page_errors_for(procedure, context: JourneyContext, page) -> list:
    return [error for error in procedure.cross_check(context) if error.page == page.slug]


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, procedure_key: str) -> HttpResponse:
    procedure = procedure_get_or_404(procedure_key)
    error = _access_error(request, procedure)
    if request.method == "POST" and error is None:
        try:
            case = services.case_draft_start(
                municipality=request.municipality,
                procedure=procedure,
                actor=request.user,
                owner_token=_owner_token(request, create=True),
                trust_level=_trust_level(request),
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
    needs_login = error is not None and error.code in (
        CaseErrorCode.ACCOUNT_REQUIRED,
        CaseErrorCode.TRUST_LEVEL_TOO_LOW,
    )
    return render(
        request,
        "cases/start.html",
        {
            "procedure": procedure,
            "error": error if request.method == "POST" or not needs_login else None,
            "drafts": drafts,
            "login_url": f"{reverse('accounts:login')}?{urlencode({'next': request.path})}",
            "fee": procedure.fee(_context(request, procedure, None, answers={})),
            "needs_login": needs_login,
            "needs_stronger_identity": error is not None
            and error.code == CaseErrorCode.TRUST_LEVEL_TOO_LOW,
        },
    )


def _prefill(form, context: JourneyContext, answers, prefill=None) -> set[str]:
    """Offer values from the pre-fill sources (``prefill``, default the page's) for fields not
    answered yet. Returns the labels of the sources of the values shown, so the page can say
    where they come from."""
    shown = set()
    for name, (source_key, value_name) in (form.prefill if prefill is None else prefill).items():
        if name in answers or name not in form.fields:
            continue
        value = context.prefill_values(source_key).get(value_name)
        if value in (None, ""):
            continue
        form.initial[name] = form_data(type(form), {name: value}).get(name, value)
        if not form.fields[name].widget.is_hidden:  # the page says where shown values come from
            shown.add(str(services.prefill_source_label(source_key)))
    return shown


@require_http_methods(["GET", "POST"])
def page(request: HttpRequest, procedure_key: str, public_id, page_slug: str) -> HttpResponse:
    procedure, case, refused = _journey(request, procedure_key, public_id)
    if refused is not None:
        return refused
    if not case.is_draft:
        return redirect(_confirmation_url(case))
    answers = case.answers or {}
    page_class = procedure.page(page_slug)
    if page_class is None or page_class not in procedure.active_pages(answers):
        raise Http404
    if issubclass(page_class, RepeatingGroupPage):
        return _group_page(request, procedure, case, page_class)
    back_to_check = request.GET.get(RETURN_TO_CHECK) == "1"
    context = _context(request, procedure, case)
    prefill_sources: set[str] = set()
    if request.method == "POST":
        form = page_class(data=request.POST, context=context)
        if form.is_valid():
            proposed = {**answers, **form.cleaned_data}
            for error in _cross_page_errors_for(
                procedure, context.with_answers(services.answers_as_json(proposed)), page_class
            ):
                form.add_error(error.field or None, str(error.message))
        if form.is_valid():
            services.case_draft_answers_save(
                case=case, page=page_class, cleaned_data=form.cleaned_data, actor=request.user
            )
            return redirect(_next_url(procedure, case, page_class, back_to_check=back_to_check))
    else:
        form = page_class(initial=procedure.page_data(page_class, answers), context=context)
        prefill_sources = _prefill(form, context, answers)
    return render(
        request,
        "cases/page.html",
        {
            "procedure": procedure,
            "page": page_class,
            "form": form,
            "prefill_sources": sorted(prefill_sources),
            "back_url": _back_url(procedure, case, page_class, back_to_check=back_to_check),
        },
    )


# --- repeating groups ("add another") ------------------------------------------------------------
def _group_page(request: HttpRequest, procedure, case, page_class) -> HttpResponse:
    back_to_check = request.GET.get(RETURN_TO_CHECK) == "1"
    answers = case.answers or {}
    items = page_class.items(answers)
    if not items and request.method == "GET" and page_class.group not in answers:
        return redirect(_item_url(case, page_class, None, back_to_check=back_to_check))
    full = len(items) >= page_class.max_items
    form = AddAnotherForm(
        data=request.POST if request.method == "POST" else None,
        question=str(page_class.add_another_question),
    )
    if request.method == "POST":
        add_another = (
            False if full else (form.cleaned_data["add_another"] if form.is_valid() else None)
        )
        if add_another:
            return redirect(_item_url(case, page_class, None, back_to_check=back_to_check))
        if add_another is False:
            if len(items) < page_class.min_items:
                form.add_error(None, str(page_class.too_few_message))
            else:
                services.case_draft_answers_save(
                    case=case,
                    page=page_class,
                    cleaned_data={page_class.group: items},
                    actor=request.user,
                )
                return redirect(_next_url(procedure, case, page_class, back_to_check=back_to_check))
    rows = [
        (
            page_class.item_number_title(index),
            page_class.item_label(item),
            _item_url(case, page_class, index, back_to_check=back_to_check),
            reverse(
                "cases:group_remove",
                args=[case.procedure_key, case.public_id, page_class.slug, index],
            ),
        )
        for index, item in enumerate(items)
    ]
    return render(
        request,
        "cases/group_page.html",
        {
            "procedure": procedure,
            "page": page_class,
            "rows": rows,
            "form": form,
            "full": full,
            "back_url": _back_url(procedure, case, page_class, back_to_check=back_to_check),
        },
    )


def _group_journey(request, procedure_key, public_id, page_slug):
    procedure, case, refused = _journey(request, procedure_key, public_id)
    if refused is not None:
        return procedure, case, None, refused
    if not case.is_draft:
        return procedure, case, None, redirect(_confirmation_url(case))
    page_class = procedure.page(page_slug)
    if (
        page_class is None
        or not issubclass(page_class, RepeatingGroupPage)
        or page_class not in procedure.active_pages(case.answers or {})
    ):
        raise Http404
    return procedure, case, page_class, None


@require_http_methods(["GET", "POST"])
def group_item(
    request: HttpRequest, procedure_key: str, public_id, page_slug: str, index: int | None = None
) -> HttpResponse:
    """Add an item to a repeating group (``index`` None) or change one."""
    procedure, case, page_class, refused = _group_journey(
        request, procedure_key, public_id, page_slug
    )
    if refused is not None:
        return refused
    items = page_class.items(case.answers or {})
    if index is not None and not 0 <= index < len(items):
        raise Http404
    if index is None and len(items) >= page_class.max_items:
        return redirect(_page_url(case, page_class))
    back_to_check = request.GET.get(RETURN_TO_CHECK) == "1"
    group_url = _page_url(case, page_class, back_to_check=back_to_check)
    context = _context(request, procedure, case)
    prefill_sources: set[str] = set()
    if request.method == "POST":
        form = page_class.item_form(data=request.POST)
    else:
        initial = form_data(page_class.item_form, items[index]) if index is not None else {}
        form = page_class.item_form(initial=initial)
        if index is None and not items:  # the first item: often the applicant themself
            prefill_sources = _prefill(form, context, {}, prefill=page_class.first_item_prefill)
    form.context = context
    if request.method == "POST" and form.is_valid():
        try:
            services.case_group_item_save(
                case=case,
                page=page_class,
                index=index,
                cleaned_data=form.cleaned_data,
                actor=request.user,
            )
        except CaseError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect(group_url)
    title = page_class.item_number_title(index) if index is not None else str(page_class.add_title)
    return render(
        request,
        "cases/group_item.html",
        {
            "procedure": procedure,
            "page": page_class,
            "title": title,
            "form": form,
            "prefill_sources": sorted(prefill_sources),
            "back_url": group_url
            if items
            else _back_url(procedure, case, page_class, back_to_check=back_to_check),
        },
    )


@require_http_methods(["GET", "POST"])
def group_remove(
    request: HttpRequest, procedure_key: str, public_id, page_slug: str, index: int
) -> HttpResponse:
    """Ask before removing an item of a repeating group."""
    procedure, case, page_class, refused = _group_journey(
        request, procedure_key, public_id, page_slug
    )
    if refused is not None:
        return refused
    items = page_class.items(case.answers or {})
    if not 0 <= index < len(items):
        raise Http404
    group_url = _page_url(case, page_class)
    form = ConfirmRemoveForm(
        data=request.POST if request.method == "POST" else None,
        label=_("Do you want to remove %(item)s?") % {"item": page_class.item_label(items[index])},
    )
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["confirm"]:
            services.case_group_item_remove(
                case=case, page=page_class, index=index, actor=request.user
            )
            messages.success(request, _("The entry has been removed."))
        return redirect(group_url)
    return render(
        request,
        "cases/group_remove.html",
        {
            "procedure": procedure,
            "page": page_class,
            "title": page_class.item_number_title(index),
            "form": form,
            "back_url": group_url,
        },
    )


# --- check and submit ----------------------------------------------------------------------------
def _answer_error_links(case, procedure, errors) -> list[tuple[str, str]]:
    links = []
    for error in errors:
        page_class = procedure.page(error.page)
        url = _page_url(case, page_class, back_to_check=True) if page_class else _check_url(case)
        anchor = f"#id_{error.field}" if error.field else ""
        links.append((str(error.message), url + anchor))
    return links


@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, procedure_key: str, public_id) -> HttpResponse:
    procedure, case, refused = _journey(request, procedure_key, public_id)
    if refused is not None:
        return refused
    answer_errors = []
    if request.method == "POST":
        form = SubmitForm(data=request.POST)
        if form.is_valid():
            try:
                case, _created = services.case_submit(
                    case=case,
                    actor=request.user,
                    idempotency_key=form.cleaned_data["idempotency_key"],
                    trust_level=_trust_level(request),
                )
            except CaseError as exc:
                if exc.code == CaseErrorCode.INCOMPLETE_ANSWERS:
                    return redirect(_page_url(case, procedure.page(exc.details["page"])))
                if exc.code != CaseErrorCode.ANSWERS_INVALID:
                    form.add_error(None, exc.message)
            else:
                return redirect(_confirmation_url(case))
    else:
        if not case.is_draft:
            return redirect(_confirmation_url(case))
        missing = procedure.first_unanswered_page(
            case.answers or {}, _context(request, procedure, case)
        )
        if missing is not None:
            return redirect(_page_url(case, missing))
        form = SubmitForm(initial={"idempotency_key": case.idempotency_key})
    answers = case.answers or {}
    answer_errors = _answer_error_links(
        case, procedure, procedure.cross_check(_context(request, procedure, case))
    )
    rows = [
        (label, value, _change_url(case, page_class, name))
        for page_class, name, label, value in procedure.summary_rows(answers)
    ]
    active = procedure.active_pages(answers)
    return render(
        request,
        "cases/check.html",
        {
            "procedure": procedure,
            "notes": procedure.notes(_context(request, procedure, case)),
            "rows": rows,
            "form": form,
            "answer_errors": answer_errors,
            "back_url": _page_url(case, active[-1]),
        },
    )


def _change_url(case, page_class, name: str) -> str:
    """The "Change" link of a check-page row: the page, or the group item it shows."""
    if issubclass(page_class, RepeatingGroupPage):
        index = int(name.rsplit(".", 1)[1])
        return _item_url(case, page_class, index, back_to_check=True)
    return _page_url(case, page_class, back_to_check=True)


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
    return render(
        request,
        "cases/confirmation.html",
        {
            "case": case,
            "procedure": procedure,
            "notes": procedure.notes(_context(request, procedure, case)),
            "book_url": _appointment_book_url(request, procedure, case),
        },
    )


def _appointment_book_url(request: HttpRequest, procedure, case) -> str:
    """Where the applicant books the counter appointment the case needs ("" when it needs
    none, has one already, is decided against or is closed)."""
    booking = journey_services.get("booking")
    if (
        booking is None
        or case.applicant_id is None
        or case.applicant_id != request.user.pk
        or case.status not in STAGE_STATUSES
        or not procedure.appointment_services(_context(request, procedure, case))
        or booking.for_case(case=case)
    ):
        return ""
    return booking.book_url(case=case)


@login_required
@require_http_methods(["GET"])
def my_cases(request: HttpRequest) -> HttpResponse:
    cases = selectors.case_list_for_citizen(actor=request.user, municipality=request.municipality)
    drafts = selectors.draft_list_for_citizen(actor=request.user, municipality=request.municipality)
    return render(
        request,
        "cases/my_cases.html",
        {
            "cases": [
                (case, procedure_title(case.procedure_key), selectors.case_status_label(case))
                for case in cases
            ],
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
    rows = [
        (label, value, None) for _p, _n, label, value in procedure.summary_rows(case.answers or {})
    ]
    booking = journey_services.get("booking")
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "procedure": procedure,
            "rows": rows,
            "stage_label": procedure.stage_label(case.stage) if case.stage else "",
            "status_label": procedure.status_label(case.status),
            "bookings": booking.for_case(case=case) if booking is not None else [],
            "book_url": _appointment_book_url(request, procedure, case),
            "notes": procedure.notes(_context(request, procedure, case)),
            "actions": procedure.case_actions(_context(request, procedure, case))
            if is_applicant
            else [],
            "events": selectors.case_timeline(case=case),
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
    procedure, case, refused = _journey(request, procedure_key, public_id)
    if refused is not None:
        return refused
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
                form.add_error(
                    field_name,
                    page_class.missing_message
                    or _("Select a file, or go back and untick “add a file”."),
                )
        if form.is_bound and not form.errors:
            services.case_draft_answers_save(
                case=case,
                page=page_class,
                cleaned_data={field_name: current.original_name},
                actor=request.user,
            )
            return redirect(_next_url(procedure, case, page_class, back_to_check=back_to_check))
    back_url = _back_url(procedure, case, page_class, back_to_check=back_to_check)
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
        owner_token=_owner_token(request),
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


# Public status look-ups: per client address and per reference (a date of birth cannot be
# guessed by trying: at most a handful of tries per reference an hour, from anywhere).
STATUS_LOOKUPS_PER_ADDRESS = 20
STATUS_LOOKUPS_PER_REFERENCE = 5
STATUS_LOOKUP_WINDOW = 60 * 60


@require_http_methods(["GET", "POST"])
def status_lookup(request: HttpRequest) -> HttpResponse:
    """Where is my application? By reference number and date of birth, without an account.
    A wrong date of birth and an unknown number get the same answer."""
    form = StatusLookupForm(request.POST or None)
    found = None
    searched = False
    status = 200
    if request.method == "POST" and form.is_valid():
        reference = form.cleaned_data["reference"]
        allowed = [
            lookup_allowed(
                scope="case-status",
                ip=client_ip(request),
                limit=STATUS_LOOKUPS_PER_ADDRESS,
                window=STATUS_LOOKUP_WINDOW,
            ),
            window_allow(
                key="cases:status-lookup:reference:"
                + blind_index(reference, purpose="status-lookup"),
                limit=STATUS_LOOKUPS_PER_REFERENCE,
                seconds=STATUS_LOOKUP_WINDOW,
            ),
        ]
        if not all(allowed):
            form.add_error(None, _("Too many look-ups. Please try again in an hour."))
            status = 429
        else:
            searched = True
            found = selectors.case_status_lookup(
                municipality=request.municipality,
                reference=reference,
                birth_date=form.cleaned_data["birth_date"],
            )
    procedure = procedure_get_or_404(found.procedure_key) if found is not None else None
    return render(
        request,
        "cases/status_lookup.html",
        {
            "form": form,
            "searched": searched,
            "case": found,
            "procedure": procedure,
            "stage_label": procedure.stage_label(found.stage) if found and found.stage else "",
            "status_label": procedure.status_label(found.status) if found else "",
        },
        status=status,
    )
