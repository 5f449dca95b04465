"""The citizen's booking pages: services, how many, office, day, time, details, sent; and
booking the appointment a case needs. The choices so far live in the session."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from rathaus.accounts.constants import SESSION_TRUST_LEVEL
from rathaus.cases import selectors as case_selectors
from rathaus.cases.plugin import procedure_get_or_404
from rathaus.cases.plugin.procedure import STAGE_STATUSES
from rathaus.cases.services import case_context
from rathaus.core.dates import long_date

from .. import selectors
from ..case_bookings import CaseBookings
from ..challenge import hold_create_with_challenge
from ..errors import AppointmentError
from ..forms import ChoiceForm, CountsForm, DetailsForm, ServicesForm, TimeForm
from ..services import booking_confirm
from ..slots import TZ

SESSION_KEY = "appointments_booking"


DAYS_SHOWN = 28


def _state(request) -> dict:
    return request.session.get(SESSION_KEY, {})


def _save(request, **values) -> None:
    state = {**_state(request), **values}
    request.session[SESSION_KEY] = state


def _offered(municipality) -> list[tuple[str, str, int]]:
    names = selectors.catalogue_names(municipality=municipality)
    limits: dict[str, int] = {}
    for row in selectors.services_offered(municipality=municipality):
        limits[row.service_slug] = max(limits.get(row.service_slug, 0), row.max_count)
    return sorted(
        ((slug, names.get(slug, slug), limit) for slug, limit in limits.items()),
        key=lambda item: item[1],
    )


def _chosen(state) -> list[tuple[str, int]]:
    return [(slug, int(count)) for slug, count in state.get("services", [])]


def _office_or_restart(request, state):
    offices = {
        o.slug: o
        for o in selectors.offices_offering(
            municipality=request.municipality, services=_chosen(state)
        )
    }
    return offices.get(state.get("office", ""))


@require_http_methods(["GET", "POST"])
def book_services(request, slug: str | None = None):
    offered = _offered(request.municipality)
    not_offered = None
    if slug is not None and slug not in {item[0] for item in offered}:
        # The catalogue links every service with an appointment here; one that no office offers
        # yet gets the general choice with a note rather than a dead end.
        not_offered = selectors.catalogue_names(municipality=request.municipality).get(slug)
        if not_offered is None:
            raise Http404
    if slug is not None and not_offered is None:
        initial = [slug]
    else:
        initial = [service for service, _count in _chosen(_state(request))]
    data = request.POST if request.method == "POST" else None  # nothing ticked is an answer too
    form = ServicesForm(data, offered=offered, initial={"services": initial})
    if request.method == "POST" and form.is_valid():
        counts = dict(_chosen(_state(request)))
        chosen = form.cleaned_data["services"]
        request.session[SESSION_KEY] = {
            "services": [(service, counts.get(service, 1)) for service in chosen]
        }
        if any(limit > 1 for service, _label, limit in offered if service in chosen):
            return redirect("appointments:book_counts")
        return redirect("appointments:book_office")
    return render(
        request,
        "appointments/book_services.html",
        {
            "form": form,
            "offered": offered,
            "not_offered": not_offered,
        },
    )


@require_http_methods(["GET", "POST"])
def book_counts(request):
    """For how many people: a small select per chosen service that can be done for several."""
    state = _state(request)
    chosen = dict(_chosen(state))
    several = [item for item in _offered(request.municipality) if item[0] in chosen and item[2] > 1]
    if not several:
        return redirect("appointments:book")
    form = CountsForm(
        request.POST or None,
        services=several,
        initial={f"count_{service}": count for service, count in chosen.items()},
    )
    if request.method == "POST" and form.is_valid():
        chosen.update(form.counts())
        _save(request, services=list(chosen.items()))
        return redirect("appointments:book_office")
    return render(
        request,
        "appointments/book_counts.html",
        {"form": form, "back_url": reverse("appointments:book")},
    )


@require_http_methods(["GET", "POST"])
def book_office(request):
    state = _state(request)
    if not state.get("services"):
        return redirect("appointments:book")
    offices = list(
        selectors.offices_offering(municipality=request.municipality, services=_chosen(state))
    )
    if len(offices) == 1:
        _save(request, office=offices[0].slug)
        return redirect("appointments:book_day")
    choices = [(o.slug, o.name) for o in offices]
    form = ChoiceForm(
        request.POST or None,
        choices=choices,
        label=_("Where would you like to go?"),
        error=_("Choose an office."),
        initial={"choice": state.get("office")},
    )
    if request.method == "POST" and form.is_valid():
        _save(request, office=form.cleaned_data["choice"])
        return redirect("appointments:book_day")
    return render(
        request,
        "appointments/book_choice.html",
        {
            "form": form,
            "offices": offices,
            "back_url": reverse("appointments:book"),
            "heading": _("Choose an office"),
            "empty": _("No office offers all chosen services."),
        },
    )


@require_http_methods(["GET", "POST"])
def book_day(request):
    state = _state(request)
    office = _office_or_restart(request, state)
    if office is None:
        return redirect("appointments:book")
    today = timezone.localdate()
    starts = selectors.free_starts_cached(
        municipality=request.municipality,
        office=office,
        services=_chosen(state),
        first_day=today,
        last_day=today + dt.timedelta(days=DAYS_SHOWN),
    )
    days = sorted({s.astimezone(TZ).date() for s in starts})
    choices = [(d.isoformat(), long_date(d)) for d in days]
    form = ChoiceForm(
        request.POST or None,
        choices=choices,
        label=_("On which day?"),
        help_text=_("Only days with a free time are shown."),
        error=_("Choose a day."),
        initial={"choice": state.get("day")},
    )
    if request.method == "POST" and form.is_valid():
        _save(request, day=form.cleaned_data["choice"])
        return redirect("appointments:book_time")
    return render(
        request,
        "appointments/book_choice.html",
        {
            "form": form,
            "office": office,
            "back_url": reverse("appointments:book"),
            "heading": _("Choose a day"),
            "empty": _("There are no free times at the moment."),
        },
    )


@require_http_methods(["GET", "POST"])
def book_time(request):
    state = _state(request)
    office = _office_or_restart(request, state)
    if office is None or not state.get("day"):
        return redirect("appointments:book")
    day = dt.date.fromisoformat(state["day"])
    starts = selectors.free_starts_cached(
        municipality=request.municipality,
        office=office,
        services=_chosen(state),
        first_day=day,
        last_day=day,
    )
    by_value = {s.astimezone(dt.UTC).isoformat(): s for s in starts}
    choices = [(value, time_format(s.astimezone(TZ), "H:i")) for value, s in by_value.items()]
    form = TimeForm(
        request.POST or None,
        choices=choices,
        label=_("At what time?"),
        help_text=long_date(day),
        error=_("Choose a time."),
    )
    if request.method == "POST" and form.is_valid():
        try:
            hold = hold_create_with_challenge(
                municipality=request.municipality,
                office=office,
                services=_chosen(state),
                start=by_value[form.cleaned_data["choice"]],
                payload=form.cleaned_data["challenge"],
            )
        except AppointmentError as error:
            form.add_error(None, error.message)
        else:
            _save(request, hold_token=hold.token)
            return redirect("appointments:book_details")
    return render(
        request,
        "appointments/book_time.html",
        {
            "form": form,
            "office": office,
            "back_url": reverse("appointments:book_day"),
            "challenge_url": reverse("api-v1:get_challenge"),
        },
    )


@require_http_methods(["GET", "POST"])
def book_details(request):
    state = _state(request)
    hold = selectors.hold_get(municipality=request.municipality, token=state.get("hold_token", ""))
    if hold is None:
        return redirect("appointments:book")
    user = request.user
    initial = {}
    if user.is_authenticated:
        initial = {"name": user.full_name, "email": user.email, "phone": user.phone}
    form = DetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            booking = booking_confirm(
                municipality=request.municipality,
                hold_token=hold.token,
                citizen=user,
                trust_level=request.session.get(SESSION_TRUST_LEVEL)
                if user.is_authenticated
                else None,
                **form.cleaned_data,
            )
        except AppointmentError as error:
            form.add_error(None, error.message)
        else:
            if state.get("case"):
                _case_attach(request, booking=booking, reference=state["case"])
            request.session.pop(SESSION_KEY, None)
            request.session["appointments_sent_until"] = hold.expires_at.isoformat()
            return redirect("appointments:book_sent")
    return render(
        request,
        "appointments/book_details.html",
        {
            "form": form,
            "hold": hold,
            "start": hold.start.astimezone(TZ),
            "expires": hold.expires_at.astimezone(TZ),
            "office": hold.office,
        },
    )


def _own_case(request, reference: str):
    """The logged-in applicant's own case (404 for anyone else, staff included)."""
    case = case_selectors.access_case_by_reference(
        actor=request.user, municipality=request.municipality, reference=reference
    )
    if case.applicant_id != request.user.pk:
        raise Http404
    return case


@login_required
@require_GET
def book_for_case(request, reference: str):
    """Book the counter appointment a case needs: the services and how many of each come from
    its procedure (so the appointment is as long as the answers need); the booking is tied to
    the case when it is made."""
    case = _own_case(request, reference)
    procedure = procedure_get_or_404(case.procedure_key)
    needed = procedure.appointment_services(case_context(case=case, actor=request.user))
    if not needed or case.status not in STAGE_STATUSES:
        raise Http404
    request.session[SESSION_KEY] = {
        "services": [[slug, count] for slug, count in needed],
        "case": case.reference,
    }
    return redirect("appointments:book_office")


def _case_attach(request, *, booking, reference: str) -> None:
    if not request.user.is_authenticated:
        return
    try:
        case = _own_case(request, reference)
    except Http404:
        return
    CaseBookings().attach(case=case, booking=booking)


@require_GET
def book_sent(request):
    return render(request, "appointments/book_sent.html")
