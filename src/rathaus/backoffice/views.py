"""Back-office pages for the town's staff. Views parse input, call one service or selector, and
render; every page is behind ``staff_required`` and every case is fetched for
``request.municipality`` only."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rathaus.accounts.constants import StaffRole
from rathaus.accounts.decorators import staff_required
from rathaus.accounts.selectors import role_satisfies, staff_users_for
from rathaus.cases import selectors, services
from rathaus.cases.constants import ActorRole, CaseStatus
from rathaus.cases.errors import CaseError
from rathaus.cases.models import CaseReadCategory
from rathaus.cases.transitions import transitions_available
from rathaus.procedures.registry import procedure_get_or_404, procedure_title

from .constants import (
    CASE_PAGE_DATA,
    INBOX_PAGE_SIZE,
    PAGE_PARAM,
    READ_LOG_PAGE_SIZE,
    SIMPLE_ACTIONS,
)
from .forms import InboxFilterForm, ReadLogFilterForm, ReasonForm


def _render(
    request: HttpRequest, template: str, context: dict, *, section: str = ""
) -> HttpResponse:
    role = request.staff_membership.role
    context.setdefault("bo_section", section)
    context.setdefault("nav_statistics", role_satisfies(role, StaffRole.TEAM_LEAD))
    context.setdefault("nav_read_log", role_satisfies(role, StaffRole.ADMIN))
    return render(request, template, context)


def _case_url(case) -> str:
    return reverse("backoffice:case_detail", args=[case.reference])


def _staff_case(request: HttpRequest, reference: str):
    """The case for an action (no case data is shown, so no read-log row)."""
    return selectors.access_case_for_staff(
        actor=request.user, municipality=request.municipality, reference=reference
    )


# --- inbox ---------------------------------------------------------------------------------------
@staff_required()
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    staff = list(staff_users_for(municipality=request.municipality))
    form = InboxFilterForm(data=request.GET or None, staff=staff)
    cases = selectors.case_list_for_staff(
        actor=request.user, municipality=request.municipality, **form.filters()
    )
    page = Paginator(cases, INBOX_PAGE_SIZE).get_page(request.GET.get(PAGE_PARAM))
    rows = [
        {
            "case": case,
            "procedure": procedure_title(case.procedure_key),
            "overdue": selectors.case_is_overdue(case=case),
            "mine": case.assignee_id == request.user.pk,
        }
        for case in page.object_list
    ]
    return _render(
        request,
        "backoffice/inbox.html",
        {"form": form, "page": page, "rows": rows},
        section="inbox",
    )


@staff_required()
@require_POST
def case_assign_to_me(request: HttpRequest, reference: str) -> HttpResponse:
    case = _staff_case(request, reference)
    services.case_assign(case=case, assignee=request.user, actor=request.user)
    messages.success(
        request, _("You are now responsible for %(reference)s.") % {"reference": case.reference}
    )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = _case_url(case)
    return redirect(target)


# --- case page -----------------------------------------------------------------------------------
@staff_required()
@require_GET
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    case = services.case_read_logged(
        actor=request.user,
        municipality=request.municipality,
        reference=reference,
        data_categories=CASE_PAGE_DATA,
    )
    procedure = procedure_get_or_404(case.procedure_key)
    rows = [(label, value, None) for _p, label, value in procedure.summary_rows(case.answers or {})]
    available = transitions_available(from_status=case.status, actor_role=ActorRole.STAFF)
    approvals = (
        list(selectors.case_approvals(case=case))
        if procedure.four_eyes and case.status == CaseStatus.IN_REVIEW
        else []
    )
    return _render(
        request,
        "backoffice/case_detail.html",
        {
            "case": case,
            "procedure": procedure,
            "rows": rows,
            "events": selectors.case_events(case=case).select_related("actor"),
            "postfach": selectors.case_messages(case=case),
            "overdue": selectors.case_is_overdue(case=case),
            "may_review": CaseStatus.IN_REVIEW in available,
            "may_approve": CaseStatus.APPROVED in available,
            "may_complete": CaseStatus.COMPLETED in available,
            "may_reject": CaseStatus.REJECTED in available,
            "may_request_info": CaseStatus.INFO_REQUESTED in available,
            "approvals": approvals,
            "approved_by_me": any(a.clerk_id == request.user.pk for a in approvals),
            "message_form": _message_form(),
        },
    )


@staff_required()
@require_POST
def case_action(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    """One-click moves: take into review, mark as completed."""
    case = _staff_case(request, reference)
    to_status = SIMPLE_ACTIONS.get(action)
    if to_status is None:
        from django.http import Http404

        raise Http404
    try:
        services.case_transition(case=case, to_status=to_status, actor=request.user)
    except CaseError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The case is now: %(status)s.") % {"status": CaseStatus(to_status).label},
        )
    return redirect(_case_url(case))


@staff_required()
@require_POST
def case_approve(request: HttpRequest, reference: str) -> HttpResponse:
    case = _staff_case(request, reference)
    try:
        case, approved = services.case_approve(case=case, actor=request.user)
    except CaseError as exc:
        messages.error(request, exc.message)
    else:
        if approved:
            messages.success(request, _("The case has been approved."))
        else:
            messages.info(
                request,
                _(
                    "Your approval has been recorded. This service needs a second approval: "
                    "a different clerk must confirm it."
                ),
            )
    return redirect(_case_url(case))


def _message_form(data=None) -> ReasonForm:
    return ReasonForm(
        data=data,
        prefix="message",
        label=gettext_lazy("Message to the applicant"),
        help_text=gettext_lazy("The applicant reads this in their Postfach."),
        required_message=gettext_lazy("Write a message."),
    )


def _reason_page(
    request: HttpRequest,
    reference: str,
    *,
    form: ReasonForm,
    heading: str,
    button: str,
    perform,
    success: str,
) -> HttpResponse:
    case = _staff_case(request, reference)
    if request.method == "POST" and form.is_valid():
        try:
            perform(case, form.cleaned_data["text"])
        except CaseError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, success)
            return redirect(_case_url(case))
    return _render(
        request,
        "backoffice/reason_form.html",
        {"case": case, "form": form, "heading": heading, "button": button},
    )


@staff_required()
@require_http_methods(["GET", "POST"])
def case_reject(request: HttpRequest, reference: str) -> HttpResponse:
    form = ReasonForm(
        data=request.POST if request.method == "POST" else None,
        label=gettext_lazy("Reason for the rejection"),
        help_text=gettext_lazy("The applicant sees this reason."),
        required_message=gettext_lazy("Give the reason for the rejection."),
    )
    return _reason_page(
        request,
        reference,
        form=form,
        heading=_("Reject the request"),
        button=_("Reject"),
        perform=lambda case, text: services.case_transition(
            case=case, to_status=CaseStatus.REJECTED, actor=request.user, reason=text
        ),
        success=_("The request has been rejected."),
    )


@staff_required()
@require_http_methods(["GET", "POST"])
def case_request_info(request: HttpRequest, reference: str) -> HttpResponse:
    form = ReasonForm(
        data=request.POST if request.method == "POST" else None,
        label=gettext_lazy("What do you need from the applicant?"),
        help_text=gettext_lazy("This is sent to the applicant's Postfach."),
        required_message=gettext_lazy("Write what you need from the applicant."),
    )
    return _reason_page(
        request,
        reference,
        form=form,
        heading=_("Request information"),
        button=_("Send request"),
        perform=lambda case, text: services.case_request_information(
            case=case, actor=request.user, message=text
        ),
        success=_("Your request for information has been sent."),
    )


@staff_required()
@require_http_methods(["GET", "POST"])
def case_message(request: HttpRequest, reference: str) -> HttpResponse:
    return _reason_page(
        request,
        reference,
        form=_message_form(request.POST if request.method == "POST" else None),
        heading=_("Write a message"),
        button=_("Send message"),
        perform=lambda case, text: services.message_send(case=case, sender=request.user, body=text),
        success=_("Your message has been sent."),
    )


# --- read log and statistics ---------------------------------------------------------------------
@staff_required(role=StaffRole.ADMIN)
@require_GET
def read_log(request: HttpRequest) -> HttpResponse:
    staff = list(staff_users_for(municipality=request.municipality))
    form = ReadLogFilterForm(data=request.GET or None, staff=staff)
    entries = selectors.case_read_log(municipality=request.municipality, **form.filters())
    page = Paginator(entries, READ_LOG_PAGE_SIZE).get_page(request.GET.get(PAGE_PARAM))
    labels = dict(CaseReadCategory.choices)
    for entry in page.object_list:
        entry.categories_display = ", ".join(
            str(labels.get(category, category)) for category in entry.data_categories
        )
    return _render(
        request, "backoffice/read_log.html", {"form": form, "page": page}, section="read_log"
    )


@staff_required(role=StaffRole.TEAM_LEAD)
@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    stats = selectors.case_statistics(municipality=request.municipality)
    statuses = list(selectors.STATUS_ORDER)
    per_procedure = [
        {
            "title": procedure_title(key),
            "counts": [counts.get(status, 0) for status in statuses],
            "total": sum(counts.values()),
        }
        for key, counts in sorted(stats["per_procedure"].items())
    ]
    median = stats["median_processing"]
    total = stats["total"]
    channels = [
        {
            "label": label,
            "count": stats["channels"].get(value, 0),
            "percent": round(100 * stats["channels"].get(value, 0) / total) if total else 0,
        }
        for value, label in services.Channel.choices
    ]
    return _render(
        request,
        "backoffice/statistics.html",
        {
            "statuses": [status.label for status in statuses],
            "per_procedure": per_procedure,
            "median_days": median.total_seconds() / 86400 if median is not None else None,
            "decided_count": stats["decided_count"],
            "channels": channels,
            "total": total,
        },
        section="statistics",
    )
