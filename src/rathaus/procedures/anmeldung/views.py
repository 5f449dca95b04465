"""The applicant's actions on a waiting registration: enter the code letter's code (§23a(3) BMG),
get a new consent code for the other parent; and the other parent's answer to it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from rathaus.accounts.constants import TrustLevel
from rathaus.accounts.decorators import require_trust_level
from rathaus.cases.constants import CaseErrorCode, CaseStatus
from rathaus.cases.errors import CaseError
from rathaus.cases.selectors import access_case_by_reference
from rathaus.core.ratelimit import window_allow
from rathaus.register.errors import RegisterError

from .forms import (
    CodeLetterForm,
    ConsentAnswerForm,
    ConsentCodeForm,
    code_letter_refusal_message,
    consent_refusal_message,
)
from .procedure import code_letter_awaited
from .services import (
    PROCEDURE_KEYS,
    code_letter_redeem,
    custody_consent_answer,
    custody_consent_code_renew,
    custody_consent_open,
)

# A code has about 59 bits; a few tries an hour per case are enough for typing errors.
CODE_TRIES_PER_HOUR = 10


@login_required
@require_http_methods(["GET", "POST"])
def code_letter_enter(request: HttpRequest, reference: str) -> HttpResponse:
    case = access_case_by_reference(
        actor=request.user, municipality=request.municipality, reference=reference
    )
    if case.procedure_key not in PROCEDURE_KEYS or not code_letter_awaited(case):
        raise Http404
    detail_url = reverse("cases:case_detail", args=[case.reference])
    form = CodeLetterForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if not window_allow(
            key=f"anmeldung:code-letter:{case.pk}", limit=CODE_TRIES_PER_HOUR, seconds=3600
        ):
            form.add_error("code", _("Too many tries. Please try again in an hour."))
        else:
            try:
                code_letter_redeem(case=case, actor=request.user, code=form.cleaned_data["code"])
            except RegisterError as exc:
                form.add_error(
                    "code",
                    code_letter_refusal_message(
                        code=exc.code, details=exc.details, reference=case.reference
                    ),
                )
            except CaseError as exc:
                form.add_error(None, exc.message)
            else:
                if case.status == CaseStatus.APPROVED:
                    messages.success(
                        request,
                        _("Your registration is complete. The Meldebestätigung is ready below."),
                    )
                else:
                    messages.success(
                        request,
                        _(
                            "The code is accepted. The registration office completes your "
                            "registration once it has checked the rest."
                        ),
                    )
                return redirect(detail_url)
    return render(
        request,
        "procedures/anmeldung/code_enter.html",
        {"case": case, "form": form, "back_url": detail_url},
    )


# A new consent code a few times a day per registration: enough for a lost code, no more.
CONSENT_CODE_RENEWALS_PER_DAY = 3


@login_required
def custody_consent_code_new(request: HttpRequest, reference: str) -> HttpResponse:
    """The applicant's "Send a new consent code" on their waiting registration (a POST): the old
    code is revoked, the case page shows the new one. Anyone but the applicant gets 404 whatever
    the method, so the address tells nobody else that the case exists."""
    case = access_case_by_reference(
        actor=request.user, municipality=request.municipality, reference=reference
    )
    if case.procedure_key not in PROCEDURE_KEYS:
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    detail_url = reverse("cases:case_detail", args=[case.reference])
    if not window_allow(
        key=f"anmeldung:consent-renew:{case.pk}", limit=CONSENT_CODE_RENEWALS_PER_DAY, seconds=86400
    ):
        messages.error(request, _("Too many new codes today. Please try again tomorrow."))
        return redirect(detail_url)
    try:
        custody_consent_code_renew(case=case, actor=request.user)
    except CaseError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _(
                "A new consent code is ready below. Pass it on to the other parent: the old "
                "code no longer works."
            ),
        )
    return redirect(detail_url)


def _consent_refusal(exc) -> str:
    if isinstance(exc, RegisterError):
        return consent_refusal_message(code=exc.code, details=exc.details)
    if exc.code == CaseErrorCode.ACTOR_NOT_PERMITTED:
        return _("You asked for this consent yourself: only the other parent can answer it.")
    return str(exc.message)


@require_trust_level(TrustLevel.HIGH)
@require_http_methods(["GET", "POST"])
def custody_consent(request: HttpRequest) -> HttpResponse:
    """The other parent answers a registration's request for consent (a child moving with one
    parent): the code (from the link or typed), then what they agree to, then yes or no. Only
    with the online ID; every look-up of a code counts against the person's tries."""
    step = request.POST.get("step") if request.method == "POST" else ""
    code_form = ConsentCodeForm(
        data=request.POST if step == "code" else None,
        initial={"code": request.GET.get("code", "")[:20]},
    )
    answer_form = ConsentAnswerForm(data=request.POST if step == "answer" else None)
    form = answer_form if step == "answer" else code_form
    if step in ("code", "answer") and form.is_valid():
        code = form.cleaned_data["code"]
        if not window_allow(
            key=f"anmeldung:consent:{request.user.pk}", limit=CODE_TRIES_PER_HOUR, seconds=3600
        ):
            code_form = ConsentCodeForm(data={"code": code})
            code_form.is_valid()
            code_form.add_error("code", _("Too many tries. Please try again in an hour."))
            form = code_form
        else:
            try:
                consent = custody_consent_open(
                    municipality=request.municipality, actor=request.user, code=code
                )
                if step == "answer":
                    agree = form.cleaned_data["answer"] == "agree"
                    custody_consent_answer(
                        municipality=request.municipality,
                        actor=request.user,
                        code=code,
                        agree=agree,
                        note=form.cleaned_data["note"],
                    )
                    return render(
                        request,
                        "procedures/anmeldung/consent_done.html",
                        {"agreed": agree, "consent": consent},
                    )
            except (RegisterError, CaseError) as exc:
                code_form = ConsentCodeForm(data={"code": code})
                code_form.is_valid()
                code_form.add_error("code", _consent_refusal(exc))
                form = code_form
            else:
                if step == "code":
                    answer_form = ConsentAnswerForm(initial={"code": code})
                return render(
                    request,
                    "procedures/anmeldung/consent_answer.html",
                    {"consent": consent, "form": answer_form},
                )
    elif step == "answer":
        # A missing answer: the same request again, with the error.
        code = request.POST.get("code", "")
        try:
            consent = custody_consent_open(
                municipality=request.municipality, actor=request.user, code=code
            )
        except (RegisterError, CaseError) as exc:
            code_form = ConsentCodeForm(data={"code": code})
            code_form.is_valid()
            code_form.add_error("code", _consent_refusal(exc))
            form = code_form
        else:
            return render(
                request,
                "procedures/anmeldung/consent_answer.html",
                {"consent": consent, "form": answer_form},
            )
    return render(request, "procedures/anmeldung/consent_code.html", {"form": form})
