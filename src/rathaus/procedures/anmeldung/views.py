"""The applicant's page on a waiting registration: enter the code letter's code (§23a(3) BMG)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from rathaus.cases.constants import CaseStatus
from rathaus.cases.errors import CaseError
from rathaus.cases.selectors import access_case_by_reference
from rathaus.core.ratelimit import window_allow
from rathaus.register.errors import RegisterError

from .forms import CodeLetterForm, code_letter_refusal_message
from .procedure import code_letter_awaited
from .services import PROCEDURE_KEYS, code_letter_redeem

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
