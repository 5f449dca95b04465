"""The inbox (Posteingang): the town's cases to work on, filtered and paged, and taking one."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import RFC3986_SUBDELIMS, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rathaus.accounts.decorators import staff_required
from rathaus.accounts.selectors import staff_choices_for
from rathaus.cases import selectors, services
from rathaus.cases.plugin import procedure_title, procedures

from .. import selectors as backoffice_selectors
from ..constants import INBOX_PAGE_SIZE, PAGE_PARAM
from ..forms import InboxFilterForm
from .common import case_url, staff_case

_REFERENCE_MARKER = "REFERENCE-MARKER"


def _reference_url_builder(name: str):
    """``reverse(name, args=[reference])`` for many references, reversing only once."""
    prefix, suffix = reverse(name, args=[_REFERENCE_MARKER]).split(_REFERENCE_MARKER)
    return lambda reference: prefix + quote(reference, safe=RFC3986_SUBDELIMS + "/~:@") + suffix


@staff_required()
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    form = InboxFilterForm(
        data=request.GET or None,
        staff_choices=staff_choices_for(municipality=request.municipality),
    )
    cases = selectors.case_list_for_staff(
        actor=request.user, municipality=request.municipality, **form.filters()
    )
    page = backoffice_selectors.inbox_page(
        cases, per_page=INBOX_PAGE_SIZE, page_number=request.GET.get(PAGE_PARAM)
    )
    detail_url = _reference_url_builder("backoffice:case_detail")
    assign_url = _reference_url_builder("backoffice:case_assign")
    now = timezone.now()
    overdue_rules = selectors.overdue_rules(now=now)  # once for the page's rows
    # Status and stage in each procedure's words — the words the status and stage filters
    # use — translated once per request rather than per row.
    labels: dict[tuple[str, str, str], tuple[str, str]] = {}

    def status_and_stage(case) -> tuple[str, str]:
        key = (case.procedure_key, case.status, case.stage)
        if key not in labels:
            procedure = procedures().get(case.procedure_key)
            stage = procedure.stage_label(case.stage) if procedure and case.stage else ""
            labels[key] = (
                selectors.status_label(procedure_key=case.procedure_key, status=case.status),
                stage,
            )
        return labels[key]

    # A short date shows the day only, and the rows of a page share few days and services:
    # each is formatted or translated once per request.
    days: dict = {}
    titles: dict[str, str] = {}

    def day_shown(submitted) -> str:
        day = submitted.date()
        if day not in days:
            days[day] = formats.date_format(submitted, "SHORT_DATE_FORMAT")
        return days[day]

    def title(key: str) -> str:
        if key not in titles:
            titles[key] = procedure_title(key)
        return titles[key]

    # Values are prepared here rather than with template filters: a page has 25 rows and the
    # template engine's per-value work was most of the page's cost (bench/README.md, "inbox").
    rows = []
    for case in page.object_list:
        status, stage = status_and_stage(case)
        submitted = timezone.localtime(case.submitted_at) if case.submitted_at else None
        shown = day_shown(submitted) if submitted else ""
        rows.append(
            {
                "case": case,
                "reference": case.reference,
                "applicant": case.applicant_name,
                "assignee": case.assignee,
                "procedure": title(case.procedure_key),
                "overdue": selectors.case_is_overdue(case=case, rules=overdue_rules),
                "mine": case.assignee_id == request.user.pk,
                "url": detail_url(case.reference),
                "assign_url": assign_url(case.reference),
                "status": status,
                "stage": stage,
                "submitted_iso": submitted.isoformat() if submitted else "",
                "submitted": shown,
            }
        )
    return render(
        request,
        "backoffice/inbox.html",
        {"form": form, "page": page, "rows": rows},
    )


@staff_required()
@require_POST
def case_assign_to_me(request: HttpRequest, reference: str) -> HttpResponse:
    case = staff_case(request, reference)
    services.case_assign(case=case, assignee=request.user, actor=request.user)
    messages.success(
        request, _("You are now responsible for %(reference)s.") % {"reference": case.reference}
    )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = case_url(case)
    return redirect(target)
