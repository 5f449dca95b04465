"""Staff pages of an office: a clerk's counter, the day in figures, the day's bookings."""

from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from rathaus.accounts.constants import StaffRole
from rathaus.accounts.decorators import staff_required

from .. import queue, selectors
from ..constants import ErrorCode, TicketStatus
from ..errors import AppointmentError
from ..forms import StatisticsDayForm

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
