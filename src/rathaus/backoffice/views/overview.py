"""Pages about the town's work rather than one case: the §40 BMG read log, statistics, and the
offices with their counter screens."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from rathaus.accounts.constants import StaffRole
from rathaus.accounts.decorators import staff_required
from rathaus.accounts.selectors import role_satisfies, staff_choices_for
from rathaus.appointments import selectors as appointment_selectors
from rathaus.cases import selectors
from rathaus.cases.constants import Channel
from rathaus.cases.models import CaseReadCategory
from rathaus.cases.plugin import procedure_title

from ..constants import PAGE_PARAM, READ_LOG_PAGE_SIZE
from ..forms import ReadLogFilterForm


@staff_required(role=StaffRole.ADMIN)
@require_GET
def read_log(request: HttpRequest) -> HttpResponse:
    form = ReadLogFilterForm(
        data=request.GET or None,
        staff_choices=staff_choices_for(municipality=request.municipality),
    )
    entries = selectors.case_read_log(municipality=request.municipality, **form.filters())
    page = Paginator(entries, READ_LOG_PAGE_SIZE).get_page(request.GET.get(PAGE_PARAM))
    labels = dict(CaseReadCategory.choices)
    for entry in page.object_list:
        entry.categories_display = ", ".join(
            str(labels.get(category, category)) for category in entry.data_categories
        )
    return render(request, "backoffice/read_log.html", {"form": form, "page": page})


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
        for value, label in Channel.choices
    ]
    return render(
        request,
        "backoffice/statistics.html",
        {
            # Every service in one table: the engine's word and the services' own names.
            "statuses": [selectors.status_label_across(status=status) for status in statuses],
            "per_procedure": per_procedure,
            "median_days": median.total_seconds() / 86400 if median is not None else None,
            "decided_count": stats["decided_count"],
            "channels": channels,
            "total": total,
        },
    )


@staff_required()
@require_GET
def offices(request: HttpRequest) -> HttpResponse:
    """The town's offices, each with its day view, counter screen, call display and check-in."""
    return render(
        request,
        "backoffice/offices.html",
        {
            "offices": appointment_selectors.office_list(municipality=request.municipality),
            "may_see_figures": role_satisfies(request.staff_membership.role, StaffRole.TEAM_LEAD),
        },
    )
