"""The Bürgerterminal's own pages: enrolment, the start screen, Fertig, check-in, Wartenummer.

Every other page of the site is reached from the start screen as usual; the middleware and the
base template make them kiosk pages (see ``middleware.py``)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import logout
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rathaus.accounts.throttle import client_ip, lookup_allowed
from rathaus.appointments import queue
from rathaus.appointments.errors import AppointmentError
from rathaus.catalogue.selectors import service_list_for, service_start_url

from . import selectors
from .constants import (
    DEVICE_COOKIE,
    DEVICE_COOKIE_AGE,
    DEVICE_COOKIE_SALT,
    ENROLMENT_ATTEMPT_WINDOW,
    ENROLMENT_ATTEMPTS_PER_ADDRESS,
    SESSION_CONTRAST,
    SESSION_LARGE_TEXT,
    SESSION_TICKET,
    KioskErrorCode,
    WipeReason,
)
from .errors import KioskError
from .forms import CheckInForm, DisplayForm, EnrolForm
from .middleware import forget_visitor
from .services import kiosk_session_wipe, terminal_enrol

DISPLAY_KEYS = {"contrast": SESSION_CONTRAST, "large_text": SESSION_LARGE_TEXT}


def _terminal(request):
    """The terminal of this request; its pages do not exist for an ordinary browser."""
    if request.kiosk is None:
        raise Http404
    return request.kiosk


def _office(request):
    office = _terminal(request).office
    if office is None:
        raise Http404
    return office


@require_http_methods(["GET", "POST"])
def enrol(request):
    """A town's administration gave a one-time code: this browser becomes that terminal."""
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not lookup_allowed(
            scope="kiosk-enrol",
            ip=client_ip(request),
            limit=ENROLMENT_ATTEMPTS_PER_ADDRESS,
            window=ENROLMENT_ATTEMPT_WINDOW,
        ):
            form.add_error("code", KioskError(KioskErrorCode.TOO_MANY_ATTEMPTS).message)
            return render(request, "kiosk/enrol.html", {"form": form})
        try:
            _terminal_row, token = terminal_enrol(
                municipality=request.municipality, code=form.cleaned_data["code"]
            )
        except KioskError as error:
            form.add_error("code", error.message)
        else:
            logout(request)  # whoever was logged in on this browser is no longer
            response = forget_visitor(redirect("kiosk:start"))
            response.set_signed_cookie(
                DEVICE_COOKIE,
                token,
                salt=DEVICE_COOKIE_SALT,
                max_age=DEVICE_COOKIE_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
            return response
    return render(request, "kiosk/enrol.html", {"form": form})


@require_GET
def start(request):
    terminal = _terminal(request)
    offerings = service_list_for(municipality=request.municipality)
    procedures = [
        (offering, url) for offering in offerings if (url := service_start_url(offering=offering))
    ]
    return render(
        request,
        "kiosk/start.html",
        {
            "terminal": terminal,
            "procedures": procedures,
            "ended": request.GET.get("ende", ""),
        },
    )


@csrf_exempt  # ending a visit must never fail on a stale form token: a failure would keep data
@require_POST
def done(request):
    """'Fertig': the visitor's session, drafts and browser traces go; the start screen follows."""
    _terminal(request)
    idle = request.POST.get("grund") == "zeit"  # the page's countdown ran out
    kiosk_session_wipe(request=request, reason=WipeReason.IDLE if idle else WipeReason.DONE)
    ending = "zeit" if idle else "fertig"
    return forget_visitor(redirect(reverse("kiosk:start") + f"?ende={ending}"))


@csrf_exempt  # it only keeps the visitor's own session from running out while they type
@require_POST
def alive(request):
    """The page's script reports input that sent no request (typing into a long form)."""
    _terminal(request)
    return HttpResponse(status=204)


@require_POST
def display(request):
    """High contrast and larger text, switched on and off for this visitor only."""
    _terminal(request)
    form = DisplayForm(request.POST)
    if form.is_valid():
        key = DISPLAY_KEYS[form.cleaned_data["setting"]]
        request.session[key] = not request.session.get(key, False)
    return redirect("kiosk:start")


@require_POST
def walk_in(request):
    """'Wartenummer ziehen' at the terminal's office (the terminal needs no proof-of-work)."""
    office = _office(request)
    ticket = queue.ticket_walk_in(municipality=request.municipality, office_slug=office.slug)
    request.session[SESSION_TICKET] = ticket.pk
    return redirect("kiosk:ticket")


@require_http_methods(["GET", "POST"])
def check_in(request):
    """'Ich habe einen Termin': check in by booking code, typed or scanned from the QR code."""
    office = _office(request)
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ticket = queue.ticket_check_in(
                municipality=request.municipality,
                office_slug=office.slug,
                code=form.cleaned_data["code"],
            )
        except AppointmentError as error:
            form.add_error("code", error.message)
        else:
            request.session[SESSION_TICKET] = ticket.pk
            return redirect("kiosk:ticket")
    return render(
        request,
        "kiosk/check_in.html",
        {"form": form, "office": office},
    )


@require_GET
def ticket(request):
    """The Wartenummer just drawn, to print; it is kept in the visitor's session only."""
    office = _office(request)
    wait_ticket = selectors.visitor_ticket(
        municipality=request.municipality,
        office=office,
        ticket_id=request.session.get(SESSION_TICKET, 0),
    )
    if wait_ticket is None:
        return redirect("kiosk:start")
    return render(request, "kiosk/ticket.html", {"ticket": wait_ticket, "office": office})
