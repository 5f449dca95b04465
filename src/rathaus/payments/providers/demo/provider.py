"""The demo provider: the XBezahldienste client, talking to the demo platform Rathaus serves
itself under /demo-bezahlplattform/ (demo settings only)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _

from rathaus.tenants.selectors import municipality_primary_host

from ..registry import register
from ..xbezahldienste.provider import XBezahldiensteProvider


@register
class DemoProvider(XBezahldiensteProvider):
    key = "demo"
    title = _("Demo payment platform (test only)")

    def extra_headers(self) -> dict[str, str]:
        # The demo platform runs inside Rathaus, behind the host → municipality middleware:
        # name the town's host so that the request reaches it even when the base URL is an
        # address such as 127.0.0.1.
        host = municipality_primary_host(self.municipality) if self.municipality else None
        if not host:
            return {}
        port = urlsplit(self.config.base_url).port
        return {"Host": f"{host}:{port}" if port else host}
