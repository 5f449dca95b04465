"""The start page of a procedure and its question pages."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from .. import selectors, services
from ..constants import CaseErrorCode
from ..errors import CaseError
from ..plugin import JourneyContext, RepeatingGroupPage, procedure_get_or_404
from .groups import group_page
from .journey import (
    RETURN_TO_CHECK,
    access_error,
    back_link_url,
    confirmation_url,
    draft_journey,
    draft_owner_token,
    journey_context,
    next_page_url,
    page_url,
    prefill_offer,
    session_trust_level,
)


def _cross_page_errors_for(procedure, context: JourneyContext, page) -> list:
    return [error for error in procedure.cross_check(context) if error.page == page.slug]


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, procedure_key: str) -> HttpResponse:
    procedure = procedure_get_or_404(procedure_key)
    error = access_error(request, procedure)
    if request.method == "POST" and error is None:
        try:
            case = services.case_draft_start(
                municipality=request.municipality,
                procedure=procedure,
                actor=request.user,
                owner_token=draft_owner_token(request, create=True),
                trust_level=session_trust_level(request),
            )
        except CaseError as exc:
            error = exc
        else:
            return redirect(page_url(case, procedure.pages[0]))
    drafts = []
    if request.user.is_authenticated:
        drafts = selectors.draft_list_for_citizen(
            actor=request.user, municipality=request.municipality
        ).filter(procedure_key=procedure.key)
    needs_login = error is not None and error.code in (
        CaseErrorCode.ACCOUNT_REQUIRED,
        CaseErrorCode.TRUST_LEVEL_TOO_LOW,
    )
    # Refused on the procedure's own way in: the reason stays on the page, and the eID way is
    # offered on the identification page (the person is logged in already).
    refused = error is not None and error.code == CaseErrorCode.ACCESS_REFUSED
    login_url = f"{reverse('accounts:login')}?{urlencode({'next': request.path})}"
    if refused:
        query = urlencode({"next": request.path, "level": error.details["required"]})
        login_url = f"{reverse('accounts:identify')}?{query}"
    return render(
        request,
        "cases/start.html",
        {
            "procedure": procedure,
            "error": error if request.method == "POST" or not needs_login else None,
            "drafts": drafts,
            "login_url": login_url,
            "fee": procedure.fee(journey_context(request, procedure, None, answers={})),
            "needs_login": needs_login or refused,
            "needs_stronger_identity": error is not None
            and error.code in (CaseErrorCode.TRUST_LEVEL_TOO_LOW, CaseErrorCode.ACCESS_REFUSED),
        },
    )


@require_http_methods(["GET", "POST"])
def page(request: HttpRequest, procedure_key: str, public_id, page_slug: str) -> HttpResponse:
    procedure, case, refused = draft_journey(request, procedure_key, public_id)
    if refused is not None:
        return refused
    if not case.is_draft:
        return redirect(confirmation_url(case))
    answers = case.answers or {}
    page_class = procedure.page(page_slug)
    if page_class is None or page_class not in procedure.active_pages(answers):
        raise Http404
    if issubclass(page_class, RepeatingGroupPage):
        return group_page(request, procedure, case, page_class)
    back_to_check = request.GET.get(RETURN_TO_CHECK) == "1"
    context = journey_context(request, procedure, case)
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
            return redirect(next_page_url(procedure, case, page_class, back_to_check=back_to_check))
    else:
        form = page_class(initial=procedure.page_data(page_class, answers), context=context)
        prefill_sources = prefill_offer(form, context, answers)
    return render(
        request,
        "cases/page.html",
        {
            "procedure": procedure,
            "page": page_class,
            "form": form,
            "prefill_sources": sorted(prefill_sources),
            "back_url": back_link_url(procedure, case, page_class, back_to_check=back_to_check),
        },
    )
