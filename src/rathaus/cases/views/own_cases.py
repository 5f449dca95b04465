"""A case after submitting: the applicant's list and case page with the Postfach, withdrawal,
and the public status look-up without an account."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from rathaus.accounts.throttle import client_ip, lookup_allowed
from rathaus.core.crypto import blind_index
from rathaus.core.ratelimit import window_allow

from .. import selectors, services
from ..attachments import AttachmentError
from ..constants import CaseStatus
from ..errors import CaseError
from ..forms import MessageWithFileForm, StatusLookupForm, WithdrawForm
from ..plugin import journey_services, procedure_get_or_404, procedure_title
from ..transitions import citizen_may_withdraw
from .journey import appointment_book_url, journey_context


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
            "book_url": appointment_book_url(request, procedure, case),
            "notes": procedure.notes(journey_context(request, procedure, case)),
            "actions": procedure.case_actions(journey_context(request, procedure, case))
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
