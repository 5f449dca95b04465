"""The API's error format (STYLE rule 7): ``{"code": ..., "message": ..., "details": {...}}``.

``install_error_handlers`` gives a ``NinjaAPI`` handlers for everything django-ninja and Django
raise themselves (404, invalid input, failed authentication, other HTTP errors, crashes), so no
operation of any app answers in another shape. An app's refusals (``core.errors.RathausError``)
answer ``exc.as_dict()``, with the HTTP status its router maps each code to
(``rathaus_error_handler_add``, ``registry.ApiRouter.error_statuses``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from rathaus.core.errors import RathausError

from .constants import ApiErrorCode

logger = logging.getLogger(__name__)


class ErrorOut(Schema):
    code: str
    message: str
    details: dict[str, Any] = {}


def error_body(code: str, message: Any, details: dict | None = None) -> dict[str, Any]:
    return {"code": str(code), "message": str(message), "details": details or {}}


def error_response(code: ApiErrorCode, *, status: int, details: dict | None = None) -> HttpResponse:
    """A JSON error outside of a ninja operation (e.g. an unknown path under the API)."""
    return JsonResponse(error_body(code, code.label, details), status=status)


def validation_details(errors: list[dict]) -> dict[str, Any]:
    """Pydantic's errors without the submitted values (they may hold personal data)."""
    return {
        "errors": [
            {
                "loc": [str(part) for part in error.get("loc", ())],
                "msg": str(error.get("msg", "")),
                "type": str(error.get("type", "")),
            }
            for error in errors
        ]
    }


HTTP_ERROR_CODES = {
    400: ApiErrorCode.MALFORMED_REQUEST,
    401: ApiErrorCode.UNAUTHORIZED,
    403: ApiErrorCode.FORBIDDEN,
    404: ApiErrorCode.NOT_FOUND,
    405: ApiErrorCode.METHOD_NOT_ALLOWED,
    422: ApiErrorCode.INVALID_REQUEST,
}


# Answers any operation may give besides its own, added to each operation in the OpenAPI
# document (``common_errors_document``) so a client knows every status it can receive.
ERROR_REF = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
COMMON_ERRORS = {
    "input": {
        "400": "The request body is not well-formed JSON (`malformed_request`).",
        "422": "A parameter or the body is not valid (`invalid_request`); `details.errors` "
        "names each field.",
    },
    "body": {"413": "The request body is too large (`request_too_large`)."},
}


def common_errors_document(document: dict) -> dict:
    """Document the common error answers on every operation of an OpenAPI ``document``."""
    for item in document.get("paths", {}).values():
        for operation in item.values():
            kinds = []
            if operation.get("parameters") or "requestBody" in operation:
                kinds.append("input")
            if "requestBody" in operation:
                kinds.append("body")
            responses = operation.setdefault("responses", {})
            for kind in kinds:
                for status, description in COMMON_ERRORS[kind].items():
                    responses.setdefault(status, {"description": description, "content": ERROR_REF})
    return document


def rathaus_error_handler_add(
    api: NinjaAPI, exception_class: type[RathausError], statuses: Mapping[str, int]
) -> None:
    """Answer ``exception_class`` with ``exc.as_dict()`` and the status ``statuses`` gives its
    code (400 for a code not listed)."""

    def handle(request: HttpRequest, exc: RathausError) -> HttpResponse:
        return api.create_response(request, exc.as_dict(), status=statuses.get(exc.code, 400))

    api.add_exception_handler(exception_class, handle)


def install_error_handlers(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, body: dict, status: int) -> HttpResponse:
        return api.create_response(request, body, status=status)

    @api.exception_handler(RathausError)
    def refused(request, exc: RathausError):
        # A refusal whose class no router maps (``rathaus_error_handler_add``): a plain 400.
        return respond(request, exc.as_dict(), 400)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        code = ApiErrorCode.NOT_FOUND
        return respond(request, error_body(code, code.label), 404)

    @api.exception_handler(ValidationError)
    def invalid(request, exc: ValidationError):
        code = ApiErrorCode.INVALID_REQUEST
        return respond(request, error_body(code, code.label, validation_details(exc.errors)), 422)

    @api.exception_handler(AuthenticationError)
    def unauthorized(request, exc):
        code = ApiErrorCode.UNAUTHORIZED
        response = respond(request, error_body(code, code.label), 401)
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        code = HTTP_ERROR_CODES.get(exc.status_code)
        if code is None:
            return respond(request, error_body(f"http_{exc.status_code}", exc), exc.status_code)
        return respond(request, error_body(code, code.label), exc.status_code)

    @api.exception_handler(Exception)
    def crashed(request, exc):
        logger.exception("API operation %s failed", request.path)
        code = ApiErrorCode.INTERNAL_ERROR
        return respond(request, error_body(code, code.label), 500)
