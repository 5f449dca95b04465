from django.http import HttpRequest, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .selectors import municipality_for_host

# Paths that work without a municipality (static files are served before this middleware).
TENANT_FREE_PREFIXES = ("/static/", "/favicon.ico")


class MunicipalityMiddleware:
    """Resolves ``request.municipality`` from the host; an unknown host gets a friendly 404."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        request.municipality = municipality_for_host(request.get_host())
        if request.municipality is None and not request.path.startswith(TENANT_FREE_PREFIXES):
            if request.path.startswith("/api/"):
                # The API's error format (rathaus.api.errors), for machines that call it.
                message = _("No municipality is reached under this host name.")
                body = {"code": "unknown_host", "message": message, "details": {}}
                return JsonResponse(body, status=404)
            return render(request, "tenants/unknown_host.html", status=404)
        return self.get_response(request)
