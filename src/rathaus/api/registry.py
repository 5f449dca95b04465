"""The routers that make up Rathaus' one REST API under ``/api/v1/``.

An app plugs its operations in by adding an ``ApiRouter`` here: the dotted path of its ninja
``Router`` (which declares its own auth), the URL prefix, and, for the exceptions its operations
raise on purpose, a function ``exc -> (status, body)`` giving the error format
``{"code", "message", "details"}``. Everything else (404, invalid input, failed authentication,
crashes) is answered by the API's common handlers in ``errors.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rathaus.appointments.api import error_body, error_status

ErrorMapper = Callable[[Exception], tuple[int, dict[str, Any]]]


@dataclass(frozen=True)
class ApiRouter:
    prefix: str
    router: str  # dotted path of a ninja.Router
    # dotted path of an exception class → dotted path of its ErrorMapper
    errors: dict[str, str] = field(default_factory=dict)


def appointment_error_response(exc) -> tuple[int, dict[str, Any]]:

    return error_status(exc), error_body(exc)


ROUTERS: list[ApiRouter] = [
    ApiRouter(
        prefix="/cases",
        router="rathaus.api.cases.router",
        errors={"rathaus.cases.errors.CaseError": "rathaus.api.cases.case_error_response"},
    ),
    ApiRouter(
        prefix="/",
        router="rathaus.appointments.api.router",
        errors={
            "rathaus.appointments.services.AppointmentError": (
                "rathaus.api.registry.appointment_error_response"
            ),
        },
    ),
]
