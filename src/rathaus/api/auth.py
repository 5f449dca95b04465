from __future__ import annotations

from ninja.security import HttpBearer

from . import services
from .models import ApiToken


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer rth_…``: a live token of the municipality of the request's host.

    Everything else (no header, unknown or revoked token, another town's token) is a 401 with
    the same answer, so a caller learns nothing about which tokens exist elsewhere.
    """

    def authenticate(self, request, token: str) -> ApiToken | None:
        return services.api_token_authenticate(
            municipality=getattr(request, "municipality", None), raw=token
        )
