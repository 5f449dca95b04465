"""Rathaus' REST API object: one ``NinjaAPI`` with the routers listed in ``registry.ROUTERS``."""

from __future__ import annotations

import json

from django.utils.module_loading import import_string
from ninja import NinjaAPI
from ninja.parser import Parser

from .errors import common_errors_document, install_error_handlers, rathaus_error_handler_add
from .registry import ROUTERS, ApiRouter

API_VERSION = "1.0.0"


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


class JsonParser(Parser):
    """JSON bodies as ninja reads them, refusing a NUL character anywhere in a string: no
    text field of Rathaus may hold one, and PostgreSQL refuses it in a statement. The refusal
    is ninja's 400 for an unreadable body."""

    def parse_body(self, request):
        data = json.loads(request.body)
        if _holds_nul(data):
            raise ValueError("NUL character in the body")
        return data


class RathausApi(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        return common_errors_document(super().get_openapi_schema(**kwargs))


def api_build(routers: list[ApiRouter], *, urls_namespace: str = "api-v1") -> NinjaAPI:
    api = RathausApi(
        title="Rathaus API",
        version=API_VERSION,
        description=(
            "The online town hall's REST API. The municipality is chosen by the Host header; "
            "staff operations need a staff API token of that municipality "
            "(`Authorization: Bearer rth_…`). Errors are "
            '`{"code": "...", "message": "...", "details": {...}}` with stable codes.'
        ),
        urls_namespace=urls_namespace,
        parser=JsonParser(),
    )
    install_error_handlers(api)
    for entry in routers:
        api.add_router(entry.prefix, import_string(entry.router))
        for exception_path, statuses_path in entry.error_statuses.items():
            rathaus_error_handler_add(
                api, import_string(exception_path), import_string(statuses_path)
            )
    return api


api = api_build(ROUTERS)
