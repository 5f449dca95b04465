from django.http import HttpRequest
from django.shortcuts import render

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
            return render(request, "tenants/unknown_host.html", status=404)
        return self.get_response(request)
