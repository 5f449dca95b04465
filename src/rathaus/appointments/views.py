"""Thin views for the links in the booking e-mails.

A GET only shows a button: mail scanners that follow links must not confirm or cancel anything.
The POST calls the service and shows the outcome.
"""

import datetime as dt

import segno
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from rathaus.accounts.constants import SESSION_TRUST_LEVEL, StaffRole
from rathaus.accounts.decorators import staff_required
from rathaus.cases import selectors as case_selectors
from rathaus.cases.plugin import procedure_get_or_404
from rathaus.cases.plugin.procedure import STAGE_STATUSES
from rathaus.cases.services import case_context

from . import queue, selectors
from .case_bookings import CaseBookings
from .challenge import hold_create_with_challenge
from .constants import ErrorCode, TicketStatus
from .forms import (
    CheckInForm,
    ChoiceForm,
    CountsForm,
    DetailsForm,
    ServicesForm,
    StatisticsDayForm,
    TimeForm,
    WalkInForm,
)
from .ics import booking_ics_attachment
from .selectors import booking_get
from .services import (
    AppointmentError,
    booking_cancel,
    booking_confirm,
    booking_finalise,
    booking_move,
    cancel_token_make,
    cancel_token_valid,
    move_token_make,
    move_token_valid,
)
from .slots import TZ


@require_http_methods(["GET", "POST"])
def booking_finalise_view(request, token: str):
    """The link from the reservation e-mail: shows which appointment it books, then books it."""
    context = {"action": "finalise"}
    status = 200
    pending = selectors.booking_by_confirm_token(municipality=request.municipality, token=token)
    if pending is not None:
        context.update(
            booking=pending,
            start=pending.start.astimezone(TZ),
            services=selectors.booking_services_shown(
                municipality=request.municipality, booking=pending
            ),
        )
    if request.method == "POST":
        try:
            booking = booking_finalise(municipality=request.municipality, token=token)
        except AppointmentError as error:
            context["error"] = error.message
            status = 400
        else:
            context.update(
                booking=booking,
                start=booking.start.astimezone(TZ),
                done=True,
                qr_svg=booking_code_qr(booking.code),
                booking_url=reverse(
                    "appointments:booking",
                    kwargs={"code": booking.code, "token": cancel_token_make(booking)},
                ),
            )
    return render(request, "appointments/link_action.html", context, status=status)


def booking_code_qr(code: str) -> SafeString:
    """The booking code as an inline SVG QR code for the scanner at the check-in (no styles)."""
    title = gettext("QR code of booking code %(code)s") % {"code": code}  # segno escapes it
    svg = segno.make(code, error="m").svg_inline(
        scale=6, border=4, dark="#000", light="#fff", svgclass="rh-qr", title=title
    )
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S308 (segno output)


@require_GET
def booking_page(request, code: str, token: str):
    """The appointment, from the link in the booking e-mail: time, place, code and its QR code."""
    booking = booking_get(municipality=request.municipality, code=code)
    if not cancel_token_valid(booking=booking, token=token):
        raise Http404
    return render(
        request,
        "appointments/booking.html",
        {
            "booking": booking,
            "start": booking.start.astimezone(TZ),
            "services": selectors.booking_services_shown(
                municipality=request.municipality, booking=booking
            ),
            "qr_svg": booking_code_qr(booking.code),
            "token": token,
            "move_token": move_token_make(booking),
        },
    )


@require_http_methods(["GET", "POST"])
def booking_cancel_view(request, code: str, token: str):
    context = {"action": "cancel", "code": code}
    status = 200
    if request.method == "POST":
        try:
            booking = booking_cancel(municipality=request.municipality, code=code, token=token)
        except AppointmentError as error:
            context["error"] = error.message
            status = 400
        else:
            context.update(booking=booking, done=True)
    return render(request, "appointments/link_action.html", context, status=status)


@require_http_methods(["GET", "POST"])
def booking_move_view(request, code: str, token: str):
    """Move by the signed link from the e-mail: choose a day, then a time (no login)."""
    booking = booking_get(municipality=request.municipality, code=code)
    if not move_token_valid(booking=booking, token=token):
        raise Http404
    data = request.POST if request.method == "POST" else None
    services = [(item.service_slug, item.count) for item in booking.items.all()]
    today = timezone.localdate()
    day = _parse_day(request.GET.get("tag", ""))
    context = {"booking": booking, "start": booking.start.astimezone(TZ), "office": booking.office}
    if day is None:
        starts = selectors.free_starts_cached(
            municipality=request.municipality,
            office=booking.office,
            services=services,
            first_day=today,
            last_day=today + dt.timedelta(days=DAYS_SHOWN),
        )
        days = sorted({s.astimezone(TZ).date() for s in starts})
        form = ChoiceForm(
            data,
            choices=[(d.isoformat(), date_format(d, "l, j. F Y")) for d in days],
            label=_("To which day?"),
            help_text=_("Only days with a free time are shown."),
            error=_("Choose a day."),
        )
        if request.method == "POST" and form.is_valid():
            return redirect(f"{request.path}?tag={form.cleaned_data['choice']}")
        context.update(form=form, step="day")
        return render(request, "appointments/move.html", context)
    starts = selectors.free_starts_cached(
        municipality=request.municipality,
        office=booking.office,
        services=services,
        first_day=day,
        last_day=day,
    )
    by_value = {s.astimezone(dt.UTC).isoformat(): s for s in starts}
    form = ChoiceForm(
        data,
        choices=[(v, time_format(s.astimezone(TZ), "H:i")) for v, s in by_value.items()],
        label=_("At what time?"),
        help_text=date_format(day, "l, j. F Y"),
        error=_("Choose a time."),
    )
    if request.method == "POST" and form.is_valid():
        try:
            booking = booking_move(
                municipality=request.municipality,
                code=booking.code,
                token=token,
                start=by_value[form.cleaned_data["choice"]],
            )
        except AppointmentError as error:
            form.add_error(None, error.message)
        else:
            context.update(booking=booking, start=booking.start.astimezone(TZ), done=True)
            return render(request, "appointments/move.html", context)
    context.update(form=form, step="time", back_url=request.path)
    return render(request, "appointments/move.html", context)


def _parse_day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@require_GET
def booking_calendar_view(request, code: str, token: str):
    """The appointment as an .ics file; the signed token from the e-mail is the key."""
    booking = booking_get(municipality=request.municipality, code=code)
    if not cancel_token_valid(booking=booking, token=token):
        raise Http404
    filename, body, _media_type = booking_ics_attachment(booking)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- citizen booking pages -----------------------------------------------------------------------
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
    choices = [(d.isoformat(), date_format(d, "l, j. F Y")) for d in days]
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
        help_text=date_format(day, "l, j. F Y"),
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


# --- at the office -------------------------------------------------------------------------------
@require_GET
def call_display_page(request, office: str):
    """The waiting room's screen; display.js refreshes the list every 1.5 seconds."""
    office_obj = selectors.office_get(municipality=request.municipality, slug=office)
    calls = queue.call_display(municipality=request.municipality, office_slug=office)
    return render(
        request,
        "appointments/call_display.html",
        {
            "office": office_obj,
            "calls": calls,
            "data_url": reverse("appointments:call_display_data", args=[office]),
        },
    )


@require_GET
def call_display_data(request, office: str):
    calls = queue.call_display(municipality=request.municipality, office_slug=office)
    response = JsonResponse({"calls": calls})
    response["Cache-Control"] = "no-store"
    return response


COUNTER_ACTIONS = {"call_again", "no_show", "park", "resume", "finish", "transfer"}


@staff_required()
@require_http_methods(["GET", "POST"])
def counter_screen(request, office: str):
    """A clerk's counter: call next, call again, no-show, park, finish, transfer."""
    municipality = request.municipality
    office_obj = selectors.office_get(municipality=municipality, slug=office)
    desks = list(selectors.office_counters(municipality=municipality, office=office_obj))
    desk_ids = {d.pk for d in desks}
    try:
        desk_id = int(request.POST.get("counter") or request.GET.get("schalter") or 0)
    except ValueError:
        desk_id = 0
    desk = next((d for d in desks if d.pk == desk_id), None)
    error = None
    if request.method == "POST" and desk is not None:
        action = request.POST.get("action", "")
        try:
            if action == "call_next":
                queue.ticket_call_next(
                    actor=request.user,
                    municipality=municipality,
                    office_slug=office,
                    counter_id=desk.pk,
                )
            elif action in COUNTER_ACTIONS:
                target = request.POST.get("to_counter", "")
                queue.ticket_act(
                    actor=request.user,
                    municipality=municipality,
                    ticket_id=int(request.POST.get("ticket", "0") or 0),
                    action=action,
                    to_counter_id=int(target)
                    if target.isdigit() and int(target) in desk_ids
                    else None,
                )
            else:
                raise AppointmentError(ErrorCode.TICKET_STATE)
        except AppointmentError as exc:
            error = exc.message
        else:
            return redirect(f"{request.path}?schalter={desk.pk}")
    tickets = list(
        queue.queue_for_office(actor=request.user, municipality=municipality, office_slug=office)
    )
    current = next(
        (
            t
            for t in tickets
            if t.status == TicketStatus.CALLED and desk and t.counter_id == desk.pk
        ),
        None,
    )
    return render(
        request,
        "appointments/counter_screen.html",
        {
            "office": office_obj,
            "desks": desks,
            "desk": desk,
            "current": current,
            "current_case": queue.ticket_case_reference(municipality=municipality, ticket=current)
            if current is not None
            else "",
            "waiting": [t for t in tickets if t.status == TicketStatus.WAITING],
            "parked": [t for t in tickets if t.status == TicketStatus.PARKED],
            "error": error,
        },
        status=400 if error else 200,
    )


@require_http_methods(["GET", "POST"])
def check_in_page(request, office: str):
    """Check-in at the kiosk or reception with the booking code."""
    office_obj = selectors.office_get(municipality=request.municipality, slug=office)
    form = CheckInForm(request.POST or None)
    ticket = None
    if request.method == "POST" and form.is_valid():
        try:
            ticket = queue.ticket_check_in(
                municipality=request.municipality,
                office_slug=office,
                code=form.cleaned_data["code"],
            )
        except AppointmentError as error:
            form.add_error("code", error.message)
    return render(
        request,
        "appointments/check_in.html",
        {"form": form, "office": office_obj, "ticket": ticket},
    )


@require_http_methods(["GET", "POST"])
def walk_in_page(request, office: str):
    """An online Wartenummer with the current estimated wait; needs the proof-of-work."""
    office_obj = selectors.office_get(municipality=request.municipality, slug=office)
    form = WalkInForm(request.POST or None)
    ticket = None
    if request.method == "POST" and form.is_valid():
        try:
            ticket = queue.ticket_walk_in_with_challenge(
                municipality=request.municipality,
                office_slug=office,
                payload=form.cleaned_data["challenge"],
            )
        except AppointmentError as error:
            form.add_error(None, error.message)
    estimate = queue.waiting_estimate(municipality=request.municipality, office_slug=office)
    return render(
        request,
        "appointments/walk_in.html",
        {
            "form": form,
            "office": office_obj,
            "ticket": ticket,
            "estimate": estimate,
            "challenge_url": reverse("api-v1:get_challenge"),
        },
    )


def _office_day_page(request, office: str, *, compute, template: str, name: str):
    """A staff page about one office and one day (``?tag=``): the day defaults to today and an
    unreadable day gives the form's error summary (400) with today's figures."""
    office_obj = selectors.office_get(municipality=request.municipality, slug=office)
    form = StatisticsDayForm(request.GET or None, initial={"tag": timezone.localdate()})
    day = form.cleaned_data["tag"] if form.is_bound and form.is_valid() else timezone.localdate()
    result = compute(
        actor=request.user, municipality=request.municipality, office_slug=office, day=day
    )
    return render(
        request,
        template,
        {"office": office_obj, "form": form, "day": day, name: result},
        status=400 if form.is_bound and form.errors else 200,
    )


@staff_required(StaffRole.TEAM_LEAD)
@require_GET
def statistics_page(request, office: str):
    """One office's day in figures, for team leads and admins of the town."""
    return _office_day_page(
        request,
        office,
        compute=queue.office_day_statistics,
        template="appointments/statistics.html",
        name="figures",
    )


@staff_required(StaffRole.CLERK)
@require_GET
def day_view_page(request, office: str):
    """The bookings of one office and day by slot time, for the town's clerks and above."""
    return _office_day_page(
        request,
        office,
        compute=queue.office_day_bookings,
        template="appointments/day_view.html",
        name="overview",
    )
