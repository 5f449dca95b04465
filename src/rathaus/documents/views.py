"""Public verification of issued documents: ``/pruefen/`` and ``/pruefen/<code>/``."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from . import selectors
from .forms import CodeForm, VerifyUploadForm


@require_http_methods(["GET", "POST"])
def verify_start(request: HttpRequest) -> HttpResponse:
    form = CodeForm(data=request.POST) if request.method == "POST" else CodeForm()
    if request.method == "POST" and form.is_valid():
        code = selectors.code_normalise(form.cleaned_data["code"])
        if code:
            return redirect("documents:verify", code=code)
        form.add_error("code", CodeForm.base_fields["code"].error_messages["required"])
    return render(request, "documents/verify_start.html", {"form": form})


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Confirms type, issuing town and date of a document; compares an uploaded PDF's hash.

    Shows no personal data: whoever has the code learns only what the paper already says."""
    try:
        document = selectors.verification_get(municipality=request.municipality, code=code)
    except Http404:
        return render(
            request,
            "documents/verify_unknown.html",
            {"form": CodeForm(initial={"code": code})},
            status=404,
        )
    if request.method == "POST":
        form = VerifyUploadForm(data=request.POST, files=request.FILES)
    else:
        form = VerifyUploadForm()
    result = None
    if request.method == "POST" and form.is_valid():
        data = b"".join(form.cleaned_data["document"].chunks())
        result = "match" if selectors.document_hash_matches(document=document, data=data) else "no"
    return render(
        request,
        "documents/verify.html",
        {
            "document": document,
            "document_title": document.title or document.document_type,
            "code": selectors.code_display(document.verification_code),
            "form": form,
            "result": result,
        },
    )
