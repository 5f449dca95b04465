"""HTTP face of the demo payment platform (see platform.py). 404 outside demo settings."""

from __future__ import annotations

import base64
import contextlib
import json
import uuid
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ...models import DemoPlatformTransaction
from . import platform
from .forms import PayPageForm


def demo_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not getattr(settings, "RATHAUS_DEMO", False):
            raise Http404
        fault = getattr(settings, "RATHAUS_DEMO_PAYMENT_FAULT", "")
        if fault == "500" and not request.path.endswith("/token/"):
            return platform.problem(500, "UNSPECIFIED", "demo fault")
        if fault == "garbage" and not request.path.endswith("/token/"):
            return HttpResponse("<html>not json</html>", content_type="text/html")
        return view(request, *args, **kwargs)

    return wrapper


def _authorised(request: HttpRequest) -> bool:
    return platform.token_valid(
        municipality=request.municipality, header=request.headers.get("Authorization", "")
    )


def _base(request: HttpRequest, originator_id: str, endpoint_id: str) -> str:
    path = reverse("payments_demo:transactions", args=[originator_id, endpoint_id])
    return request.build_absolute_uri(path)


def _pay_url(request: HttpRequest, tx: DemoPlatformTransaction) -> str:
    return request.build_absolute_uri(reverse("payments_demo:pay_page", args=[tx.transaction_id]))


@csrf_exempt
@demo_only
@require_http_methods(["POST"])
def token(request: HttpRequest) -> JsonResponse:
    client_id = client_secret = ""
    auth = request.headers.get("Authorization", "")
    if auth.startswith("Basic "):
        with contextlib.suppress(ValueError, UnicodeDecodeError):
            client_id, _sep, client_secret = base64.b64decode(auth[6:]).decode().partition(":")
    else:
        client_id = request.POST.get("client_id", "")
        client_secret = request.POST.get("client_secret", "")
    if request.POST.get("grant_type") != "client_credentials":
        return JsonResponse({"error": "unsupported_grant_type"}, status=400)
    issued = platform.token_issue(
        municipality=request.municipality, client_id=client_id, client_secret=client_secret
    )
    if issued is None:
        return JsonResponse({"error": "invalid_client"}, status=401)
    return JsonResponse(
        {"access_token": issued, "token_type": "Bearer", "expires_in": platform.TOKEN_SECONDS}
    )


@csrf_exempt
@demo_only
@require_http_methods(["POST"])
def transactions(request: HttpRequest, originator_id: str, endpoint_id: str) -> JsonResponse:
    if not _authorised(request):
        return platform.problem(403, "FORBIDDEN")
    try:
        body = json.loads(request.body or b"null")
    except ValueError:
        return platform.problem(400, "VALIDATION_ERROR", "body is not JSON")
    problem = platform.request_validate(body)
    if problem is not None:
        return platform.problem(400, *problem)
    try:
        tx = DemoPlatformTransaction.objects.create(
            originator_id=originator_id,
            endpoint_id=endpoint_id,
            request_id=body["requestId"],
            payment_request={key: value for key, value in body.items() if key != "requestor"},
        )
    except IntegrityError:
        return platform.problem(400, "PAYMENT_EXISTS")
    document = platform.transaction_document(
        tx, base=_base(request, originator_id, endpoint_id), pay_url=_pay_url(request, tx)
    )
    response = JsonResponse(document, status=201)
    response["Location"] = document["paymentInformation"]["transactionUrl"]
    return response


@csrf_exempt
@demo_only
@require_http_methods(["GET"])
def transaction_detail(
    request: HttpRequest, originator_id: str, endpoint_id: str, transaction_id: uuid.UUID
) -> JsonResponse:
    if not _authorised(request):
        return platform.problem(403, "FORBIDDEN")
    tx = DemoPlatformTransaction.objects.filter(
        transaction_id=transaction_id, originator_id=originator_id, endpoint_id=endpoint_id
    ).first()
    if tx is None:
        return platform.problem(404, "UNSPECIFIED", "unknown transaction")
    tx = platform.status_query(tx)
    return JsonResponse(
        platform.transaction_document(
            tx, base=_base(request, originator_id, endpoint_id), pay_url=_pay_url(request, tx)
        )
    )


@demo_only
@require_http_methods(["GET", "POST"])
def pay_page(request: HttpRequest, transaction_id: uuid.UUID) -> HttpResponse:
    tx = DemoPlatformTransaction.objects.filter(transaction_id=transaction_id).first()
    if tx is None or tx.status != "INITIAL" or tx.outcome:
        raise Http404
    if request.method == "POST":
        form = PayPageForm(data=request.POST)
        if form.is_valid():
            platform.outcome_choose(
                tx, method=form.cleaned_data["method"], outcome=form.cleaned_data["outcome"]
            )
            target = tx.payment_request.get("redirectUrl", "")
            separator = "&" if "?" in target else "?"
            return redirect(
                f"{target}{separator}{urlencode({'transactionId': str(tx.transaction_id)})}"
            )
    else:
        form = PayPageForm()
    request_data = tx.payment_request
    return render(
        request,
        "payments/demo/pay_page.html",
        {
            "form": form,
            "amount": request_data.get("grosAmount", request_data.get("grossAmount")),
            "purpose": request_data.get("purpose", ""),
            "description": request_data.get("description", ""),
        },
    )
