"""What the journey's pages share: the visitor's draft and session (owner token, trust level),
the context handed to the procedure, the URLs of the pages, pre-filled answers and the
appointment link."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from rathaus.accounts.constants import SESSION_TRUST_LEVEL

from .. import selectors, services
from ..constants import SESSION_DRAFT_OWNER, CaseErrorCode
from ..errors import CaseError
from ..plugin import JourneyContext, journey_services, procedure_get_or_404
from ..plugin.pages import form_data
from ..plugin.procedure import STAGE_STATUSES

RETURN_TO_CHECK = "pruefen"


def draft_owner_token(request: HttpRequest, *, create: bool = False) -> str:
    token = request.session.get(SESSION_DRAFT_OWNER, "")
    if not token and create:
        token = services.owner_token_new()
        request.session[SESSION_DRAFT_OWNER] = token
    return token


def session_trust_level(request: HttpRequest) -> str | None:
    return request.session.get(SESSION_TRUST_LEVEL)


def _actor(request: HttpRequest):
    return request.user if request.user.is_authenticated else None


def journey_context(request: HttpRequest, procedure, case, answers=None) -> JourneyContext:
    return JourneyContext(
        municipality=request.municipality,
        procedure=procedure,
        actor=_actor(request),
        trust_level=session_trust_level(request),
        case=case,
        answers=case.answers or {} if answers is None else answers,
    )


def draft_journey(request: HttpRequest, procedure_key: str, public_id):
    """The procedure and the visitor's draft; a draft whose service the town no longer offers,
    or whose trust level this session no longer meets, goes back to the start page."""
    procedure = procedure_get_or_404(procedure_key)
    case = selectors.access_journey_case(
        actor=request.user,
        owner_token=draft_owner_token(request),
        municipality=request.municipality,
        public_id=public_id,
        procedure_key=procedure_key,
    )
    if case.is_draft and access_error(request, procedure) is not None:
        return procedure, case, redirect("cases:start", procedure_key=procedure.key)
    return procedure, case, None


def access_error(request: HttpRequest, procedure) -> CaseError | None:
    """Why this visitor may not apply for ``procedure`` here (None: they may). A service the town
    does not offer is a 404, as if the procedure did not exist."""
    try:
        services.case_access_check(
            procedure=procedure,
            municipality=request.municipality,
            actor=request.user,
            trust_level=session_trust_level(request),
        )
    except CaseError as exc:
        if exc.code == CaseErrorCode.SERVICE_NOT_OFFERED:
            raise Http404 from exc
        return exc
    return None


def page_url(case, page, *, back_to_check: bool = False) -> str:
    url = reverse("cases:page", args=[case.procedure_key, case.public_id, page.slug])
    return f"{url}?{urlencode({RETURN_TO_CHECK: 1})}" if back_to_check else url


def item_url(case, page, index: int | None, *, back_to_check: bool = False) -> str:
    if index is None:
        url = reverse("cases:group_add", args=[case.procedure_key, case.public_id, page.slug])
    else:
        url = reverse(
            "cases:group_item", args=[case.procedure_key, case.public_id, page.slug, index]
        )
    return f"{url}?{urlencode({RETURN_TO_CHECK: 1})}" if back_to_check else url


def check_url(case) -> str:
    return reverse("cases:check", args=[case.procedure_key, case.public_id])


def confirmation_url(case) -> str:
    return reverse("cases:confirmation", args=[case.public_id])


def next_page_url(procedure, case, page, *, back_to_check: bool) -> str:
    """Where saving ``page`` leads: the next unanswered page when coming from the check page,
    else the next page asked, else the check page."""
    answers = case.answers or {}
    if back_to_check:
        missing = procedure.first_unanswered_page(answers)
        return page_url(case, missing, back_to_check=True) if missing else check_url(case)
    active = procedure.active_pages(answers)
    following = active[active.index(page) + 1 :] if page in active else []
    return page_url(case, following[0]) if following else check_url(case)


def back_link_url(procedure, case, page, *, back_to_check: bool) -> str:
    if back_to_check:
        return check_url(case)
    active = procedure.active_pages(case.answers or {})
    index = active.index(page)
    return (
        page_url(case, active[index - 1])
        if index > 0
        else reverse("cases:start", args=[procedure.key])
    )


def prefill_offer(form, context: JourneyContext, answers, prefill=None) -> set[str]:
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


def appointment_book_url(request: HttpRequest, procedure, case) -> str:
    """Where the applicant books the counter appointment the case needs ("" when it needs
    none, has one already, is decided against or is closed)."""
    booking = journey_services.get("booking")
    if (
        booking is None
        or case.applicant_id is None
        or case.applicant_id != request.user.pk
        or case.status not in STAGE_STATUSES
        or not procedure.appointment_services(journey_context(request, procedure, case))
        or booking.for_case(case=case)
    ):
        return ""
    return booking.book_url(case=case)
