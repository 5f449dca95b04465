"""The check-your-answers page that submits the draft, and the confirmation page after it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .. import selectors, services
from ..constants import CaseErrorCode
from ..errors import CaseError
from ..forms import SubmitForm
from ..plugin import RepeatingGroupPage, procedure_get_or_404
from .journey import (
    appointment_book_url,
    check_url,
    confirmation_url,
    draft_journey,
    draft_owner_token,
    item_url,
    journey_context,
    page_url,
    session_trust_level,
)


def _answer_error_links(case, procedure, errors) -> list[tuple[str, str]]:
    links = []
    for error in errors:
        page_class = procedure.page(error.page)
        url = page_url(case, page_class, back_to_check=True) if page_class else check_url(case)
        anchor = f"#id_{error.field}" if error.field else ""
        links.append((str(error.message), url + anchor))
    return links


@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, procedure_key: str, public_id) -> HttpResponse:
    procedure, case, refused = draft_journey(request, procedure_key, public_id)
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
                    trust_level=session_trust_level(request),
                )
            except CaseError as exc:
                if exc.code == CaseErrorCode.INCOMPLETE_ANSWERS:
                    return redirect(page_url(case, procedure.page(exc.details["page"])))
                if exc.code != CaseErrorCode.ANSWERS_INVALID:
                    form.add_error(None, exc.message)
            else:
                return redirect(confirmation_url(case))
    else:
        if not case.is_draft:
            return redirect(confirmation_url(case))
        missing = procedure.first_unanswered_page(
            case.answers or {}, journey_context(request, procedure, case)
        )
        if missing is not None:
            return redirect(page_url(case, missing))
        form = SubmitForm(initial={"idempotency_key": case.idempotency_key})
    answers = case.answers or {}
    answer_errors = _answer_error_links(
        case, procedure, procedure.cross_check(journey_context(request, procedure, case))
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
            "notes": procedure.notes(journey_context(request, procedure, case)),
            "rows": rows,
            "form": form,
            "answer_errors": answer_errors,
            "back_url": page_url(case, active[-1]),
        },
    )


def _change_url(case, page_class, name: str) -> str:
    """The "Change" link of a check-page row: the page, or the group item it shows."""
    if issubclass(page_class, RepeatingGroupPage):
        index = int(name.rsplit(".", 1)[1])
        return item_url(case, page_class, index, back_to_check=True)
    return page_url(case, page_class, back_to_check=True)


@require_http_methods(["GET"])
def confirmation(request: HttpRequest, public_id) -> HttpResponse:
    case = selectors.access_own_case(
        actor=request.user,
        owner_token=draft_owner_token(request),
        municipality=request.municipality,
        public_id=public_id,
    )
    if case.is_draft:
        return redirect(check_url(case))
    procedure = procedure_get_or_404(case.procedure_key)
    return render(
        request,
        "cases/confirmation.html",
        {
            "case": case,
            "procedure": procedure,
            "notes": procedure.notes(journey_context(request, procedure, case)),
            "book_url": appointment_book_url(request, procedure, case),
            # A case the system decided at once (an exact register match) has its documents
            # already: its applicant takes them from here, without a detour to the case page.
            "documents": selectors.issued_documents_titled(case=case)
            if case.applicant_id is not None and case.applicant_id == request.user.pk
            else [],
        },
    )
