"""The postal vote's pages: the citizen's application and status look-up (no account), and the
election office's screens (queue, issuing, lists, PDFs). Views parse input, call one service or
selector, and render; every object is fetched for ``request.municipality`` only."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rathaus.accounts import throttle
from rathaus.accounts.decorators import staff_required
from rathaus.cases.attachments import AttachmentError
from rathaus.core.storage import encrypted_file_read
from rathaus.documents.rendering import pdf_render

from . import selectors, services
from .constants import (
    STATUS_LOOKUP_WINDOW_SECONDS,
    STATUS_LOOKUPS_PER_WINDOW,
    VOTER_NUMBER_PARAM,
    Basis,
    ElectionErrorCode,
)
from .errors import ElectionError
from .forms import AcceptForm, ApplicationForm, PollingCardsForm, RejectForm, StatusLookupForm
from .rules import Ground

# The confirmation page is shown only to the browser that applied. A signed cookie remembers its
# last application numbers: a session would cost two more statements and a second commit on the
# rush's hot path (bench/README.md, briefwahl), for a visitor who never logs in.
CONFIRMATION_COOKIE = "briefwahl_antraege"
CONFIRMATION_SALT = "rathaus.elections.confirmation"
CONFIRMATION_KEEP = 10


# --- citizen -------------------------------------------------------------------------------------
@require_GET
def start(request: HttpRequest) -> HttpResponse:
    elections = selectors.elections_open(municipality=request.municipality)
    rows = [(e, e.deadlines()) for e in elections]
    return render(request, "elections/start.html", {"rows": rows})


def _application_data(cleaned: dict) -> services.ApplicationData:
    someone_else = cleaned.get("for_someone_else") == "yes"
    other = cleaned["delivery"] == "other"
    return services.ApplicationData(
        family_name=cleaned["family_name"],
        given_names=cleaned["given_names"],
        birth_date=cleaned["birth_date"],
        street=cleaned["street"],
        house_number=cleaned["house_number"],
        postal_code=cleaned["postal_code"],
        city=cleaned["city"],
        voter_number=cleaned.get("voter_number"),
        ground=Ground.SUDDEN_ILLNESS if cleaned.get("sudden_illness") else Ground.REGULAR,
        delivery=cleaned["delivery"],
        delivery_name=cleaned["delivery_name"] if other else "",
        delivery_street=cleaned["delivery_street"] if other else "",
        delivery_postal_code=cleaned["delivery_postal_code"] if other else "",
        delivery_city=cleaned["delivery_city"] if other else "",
        delivery_country=cleaned["delivery_country"] if other else "",
        proxy_name=cleaned["proxy_name"] if someone_else else "",
        proxy_address=cleaned["proxy_address"] if someone_else else "",
    )


@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, election_id) -> HttpResponse:
    election = selectors.election_get(municipality=request.municipality, public_id=election_id)
    grounds = selectors.grounds_open(election=election)
    if not grounds:
        return render(request, "elections/closed.html", {"election": election})
    illness_only = Ground.REGULAR not in grounds
    initial = {"voter_number": request.GET.get(VOTER_NUMBER_PARAM, "")[:8]}
    form = ApplicationForm(
        request.POST or None, request.FILES or None, illness_only=illness_only, initial=initial
    )
    not_found = False
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        authority = cleaned.get("authority") if cleaned.get("for_someone_else") == "yes" else None
        try:
            result = services.application_submit(
                election=election, data=_application_data(cleaned), authority=authority
            )
        except ElectionError as error:
            form.add_error(None, error.message)
        except AttachmentError as error:
            form.add_error("authority", error.message)
        else:
            if result.refusal == ElectionErrorCode.ALREADY_APPLIED:
                return render(request, "elections/already_applied.html", {"election": election})
            if result.refusal == ElectionErrorCode.NOT_IN_REGISTER:
                not_found = True
                form.add_error(None, ElectionErrorCode.NOT_IN_REGISTER.label)
            else:
                reference = result.application.reference
                response = redirect("elections:confirmation", reference=reference)
                _remember(request, response, reference)
                return response
    return render(
        request,
        "elections/apply.html",
        {
            "election": election,
            "deadlines": election.deadlines(),
            "form": form,
            "illness_only": illness_only,
            "not_found": not_found,
        },
    )


def _remembered(request: HttpRequest) -> list[str]:
    value = request.get_signed_cookie(
        CONFIRMATION_COOKIE,
        default="",
        salt=CONFIRMATION_SALT,
        max_age=settings.SESSION_COOKIE_AGE,
    )
    return [ref for ref in value.split(",") if ref]


def _remember(request: HttpRequest, response: HttpResponse, reference: str) -> None:
    references = [*_remembered(request)[-(CONFIRMATION_KEEP - 1) :], reference]
    response.set_signed_cookie(
        CONFIRMATION_COOKIE,
        ",".join(references),
        salt=CONFIRMATION_SALT,
        max_age=settings.SESSION_COOKIE_AGE,
        path=reverse("elections:start"),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


@require_GET
def confirmation(request: HttpRequest, reference: str) -> HttpResponse:
    """Shown only in the browser that applied (its signed cookie); everyone else gets 404."""
    if reference not in _remembered(request):
        raise Http404
    application = selectors.application_by_reference(
        municipality=request.municipality, reference=reference
    )
    return render(request, "elections/confirmation.html", {"application": application})


@require_http_methods(["GET", "POST"])
def status(request: HttpRequest) -> HttpResponse:
    form = StatusLookupForm(request.POST or None)
    result = None
    looked_up = False
    status_code = 200
    if request.method == "POST" and form.is_valid():
        allowed = throttle.lookup_allowed(
            scope="briefwahl-status",
            ip=throttle.client_ip(request),
            limit=STATUS_LOOKUPS_PER_WINDOW,
            window=STATUS_LOOKUP_WINDOW_SECONDS,
        )
        if not allowed:
            form.add_error(None, _("Too many look-ups from your connection. Try again later."))
            status_code = 429
        else:
            looked_up = True
            result = selectors.status_lookup(
                municipality=request.municipality,
                reference=form.cleaned_data["reference"],
                birth_date=form.cleaned_data["birth_date"],
            )
    return render(
        request,
        "elections/status.html",
        {"form": form, "result": result, "looked_up": looked_up},
        status=status_code,
    )


# --- election office ---------------------------------------------------------------------------
def _election(request, election_id):
    return selectors.election_get(municipality=request.municipality, public_id=election_id)


@staff_required()
@require_GET
def office_elections(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "elections/office/elections.html",
        {"elections": selectors.elections_of(municipality=request.municipality)},
    )


@staff_required()
@require_GET
def office_election(request: HttpRequest, election_id) -> HttpResponse:
    election = _election(request, election_id)
    return render(
        request,
        "elections/office/election.html",
        {
            "election": election,
            "deadlines": election.deadlines(),
            "counts": selectors.election_counts(election=election),
            "cards_form": PollingCardsForm(),
        },
    )


@staff_required()
@require_GET
def office_queue(request: HttpRequest, election_id) -> HttpResponse:
    election = _election(request, election_id)
    return render(
        request,
        "elections/office/queue.html",
        {"election": election, "applications": selectors.review_queue(election=election)},
    )


@staff_required()
@require_http_methods(["GET", "POST"])
def office_application(request: HttpRequest, election_id, reference: str) -> HttpResponse:
    election = _election(request, election_id)
    application = selectors.application_get(election=election, reference=reference)
    candidates = selectors.near_candidates(application=application)
    action = request.POST.get("action", "")
    accept_form = AcceptForm(
        request.POST if action == "accept" else None, candidates=candidates, prefix="accept"
    )
    reject_form = RejectForm(request.POST if action == "reject" else None, prefix="reject")
    action_error = ""
    if request.method == "POST":
        try:
            if action == "accept" and accept_form.is_valid():
                voter = selectors.voter_get(election=election, pk=accept_form.cleaned_data["voter"])
                services.application_accept(
                    application=application, voter=voter, actor=request.user
                )
                messages.success(request, _("The application was accepted."))
                return redirect("elections_office:queue", election_id=election.public_id)
            if action == "section_25_2":
                services.application_accept_section_25_2(
                    application=application, actor=request.user
                )
                messages.success(request, _("The application was accepted under §25(2) BWO."))
                return redirect("elections_office:queue", election_id=election.public_id)
            if action == "reject" and reject_form.is_valid():
                services.application_reject(
                    application=application,
                    reason=reject_form.cleaned_data["reason"],
                    actor=request.user,
                )
                messages.success(request, _("The application was rejected."))
                return redirect("elections_office:queue", election_id=election.public_id)
            if action == "issue":
                services.wahlschein_issue(application=application, actor=request.user)
                messages.success(request, _("The Wahlschein was issued."))
                return redirect(
                    "elections_office:application",
                    election_id=election.public_id,
                    reference=application.reference,
                )
        except ElectionError as error:
            action_error = error.message
    return render(
        request,
        "elections/office/application.html",
        {
            "election": election,
            "application": application,
            "accept_form": accept_form,
            "reject_form": reject_form,
            "action_error": action_error,
            "wahlscheine": application.wahlscheine.order_by("number"),
        },
    )


def _file_response(data: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_required()
@require_GET
def office_authority(request: HttpRequest, election_id, reference: str) -> HttpResponse:
    election = _election(request, election_id)
    application = selectors.application_get(election=election, reference=reference)
    if not application.authority_file:
        raise Http404
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
        application.authority_content_type, "bin"
    )
    return _file_response(
        encrypted_file_read(application.authority_file),
        content_type=application.authority_content_type,
        filename=f"vollmacht-{application.reference}.{extension}",
    )


@staff_required()
@require_POST
def office_issue_all(request: HttpRequest, election_id) -> HttpResponse:
    election = _election(request, election_id)
    try:
        count = services.wahlscheine_issue_all(election=election, actor=request.user)
    except ElectionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(count)d Wahlscheine issued.") % {"count": count})
    return redirect("elections_office:election", election_id=election.public_id)


@staff_required()
@require_GET
def office_wahlscheine(request: HttpRequest, election_id) -> HttpResponse:
    election = _election(request, election_id)
    return render(
        request,
        "elections/office/wahlscheine.html",
        {
            "election": election,
            "valid": selectors.wahlscheine_valid(election=election),
            "invalid": selectors.wahlscheine_invalid(election=election),
            "replacement_open": selectors.replacement_open(election=election),
        },
    )


@staff_required()
@require_POST
def office_invalidate(request: HttpRequest, election_id, number: int) -> HttpResponse:
    election = _election(request, election_id)
    wahlschein = selectors.wahlschein_get(election=election, number=number)
    replace = request.POST.get("replace") == "yes"
    try:
        new = services.wahlschein_invalidate(
            wahlschein=wahlschein, actor=request.user, replace=replace
        )
    except ElectionError as error:
        messages.error(request, error.message)
    else:
        if new is not None:
            messages.success(
                request,
                _("Wahlschein %(old)d is invalid; Wahlschein %(new)d was issued instead.")
                % {"old": wahlschein.number, "new": new.number},
            )
        else:
            messages.success(
                request, _("Wahlschein %(old)d is invalid.") % {"old": wahlschein.number}
            )
    return redirect("elections_office:wahlscheine", election_id=election.public_id)


PDF_LISTS = {
    "versand": ("elections/pdf/dispatch.html", _("Dispatch list")),
    "etiketten": ("elections/pdf/labels.html", _("Address labels")),
    "25-1": ("elections/pdf/wahlscheine.html", _("Wahlscheine under §25(1) BWO")),
    "25-2": ("elections/pdf/wahlscheine.html", _("Wahlscheine under §25(2) BWO")),
    "ungueltig": ("elections/pdf/invalid.html", _("List of invalid Wahlscheine")),
    "wahlbenachrichtigungen": ("elections/pdf/polling_cards.html", _("Polling cards")),
}


@staff_required()
@require_GET
def office_pdf(request: HttpRequest, election_id, kind: str) -> HttpResponse:
    election = _election(request, election_id)
    if kind not in PDF_LISTS:
        raise Http404
    template, title = PDF_LISTS[kind]
    context = {"election": election, "title": str(title), "printed_at": timezone.now()}
    if kind in ("versand", "etiketten"):
        context["lines"] = selectors.dispatch_lines(election=election)
    elif kind == "ungueltig":
        context["wahlscheine"] = selectors.wahlscheine_invalid(election=election)
    elif kind == "wahlbenachrichtigungen":
        form = PollingCardsForm(request.GET)
        first = form.cleaned_data["ab"] if form.is_valid() else 1
        context["cards"] = selectors.polling_cards(election=election, first_number=first)
        context["deadlines"] = election.deadlines()
    else:
        basis = Basis.SECTION_25_1 if kind == "25-1" else Basis.SECTION_25_2
        context["wahlscheine"] = selectors.wahlscheine_valid(election=election, basis=basis)
    pdf = pdf_render(template=template, context=context, municipality=request.municipality)
    return _file_response(
        pdf,
        content_type="application/pdf",
        filename=f"briefwahl-{kind}-{election.election_day:%Y%m%d}.pdf",
    )
