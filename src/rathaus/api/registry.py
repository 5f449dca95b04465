"""The routers that make up Rathaus' one REST API under ``/api/v1/``.

An app plugs its operations in by adding an ``ApiRouter`` here: the dotted path of its ninja
``Router`` (which declares its own auth), the URL prefix, and, for the refusals its operations
raise on purpose (subclasses of ``core.errors.RathausError``), the dotted path of a mapping from
each code to its HTTP status (a code not listed answers 400). The body is always the error's
``as_dict()``: ``{"code", "message", "details"}``. Everything else (404, invalid input, failed
authentication, crashes) is answered by the API's common handlers in ``errors.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ApiRouter:
    prefix: str
    router: str  # dotted path of a ninja.Router
    # dotted path of a RathausError subclass → dotted path of its {code: HTTP status} mapping
    error_statuses: dict[str, str] = field(default_factory=dict)


ROUTERS: list[ApiRouter] = [
    ApiRouter(
        prefix="/cases",
        router="rathaus.api.cases.router",
        error_statuses={"rathaus.cases.errors.CaseError": "rathaus.api.cases.CASE_ERROR_STATUS"},
    ),
    ApiRouter(
        prefix="/",
        router="rathaus.appointments.api.router",
        error_statuses={
            "rathaus.appointments.errors.AppointmentError": (
                "rathaus.appointments.api.ERROR_STATUS"
            ),
        },
    ),
    ApiRouter(prefix="/", router="rathaus.register.api.router"),
]
