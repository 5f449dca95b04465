"""Repeating groups ("add another"): the group's summary page, adding, changing and removing
one entry."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import services
from ..errors import CaseError
from ..forms import ConfirmRemoveForm
from ..plugin import RepeatingGroupPage
from ..plugin.pages import AddAnotherForm, form_data
from .journey import (
    RETURN_TO_CHECK,
    back_link_url,
    confirmation_url,
    draft_journey,
    item_url,
    journey_context,
    next_page_url,
    page_url,
    prefill_offer,
)


def group_page(request: HttpRequest, procedure, case, page_class) -> HttpResponse:
    back_to_check = request.GET.get(RETURN_TO_CHECK) == "1"
    answers = case.answers or {}
    items = page_class.items(answers)
    if not items and request.method == "GET" and page_class.group not in answers:
        return redirect(item_url(case, page_class, None, back_to_check=back_to_check))
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
            return redirect(item_url(case, page_class, None, back_to_check=back_to_check))
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
                return redirect(
                    next_page_url(procedure, case, page_class, back_to_check=back_to_check)
                )
    rows = [
        (
            page_class.item_number_title(index),
            page_class.item_label(item),
            item_url(case, page_class, index, back_to_check=back_to_check),
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
            "back_url": back_link_url(procedure, case, page_class, back_to_check=back_to_check),
        },
    )


def _group_journey(request, procedure_key, public_id, page_slug):
    procedure, case, refused = draft_journey(request, procedure_key, public_id)
    if refused is not None:
        return procedure, case, None, refused
    if not case.is_draft:
        return procedure, case, None, redirect(confirmation_url(case))
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
        return redirect(page_url(case, page_class))
    back_to_check = request.GET.get(RETURN_TO_CHECK) == "1"
    group_url = page_url(case, page_class, back_to_check=back_to_check)
    context = journey_context(request, procedure, case)
    prefill_sources: set[str] = set()
    if request.method == "POST":
        form = page_class.item_form(data=request.POST)
    else:
        initial = form_data(page_class.item_form, items[index]) if index is not None else {}
        form = page_class.item_form(initial=initial)
        if index is None and not items:  # the first item: often the applicant themself
            prefill_sources = prefill_offer(
                form, context, {}, prefill=page_class.first_item_prefill
            )
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
            else back_link_url(procedure, case, page_class, back_to_check=back_to_check),
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
    group_url = page_url(case, page_class)
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
