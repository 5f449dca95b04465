from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rathaus.accounts.constants import TrustLevel

from ..base import IdentityProvider
from ..registry import identity_providers

KEY = "demo_bundid"


class DemoBundIDProvider(IdentityProvider):
    key = KEY
    label = _("BundID (demo)")
    trust_level = TrustLevel.HIGH

    def is_available(self, request) -> bool:
        return bool(settings.RATHAUS_DEMO)

    def start_url(self, request, *, next_url: str) -> str:
        return f"{reverse('accounts:demo_bundid')}?{urlencode({'next': next_url})}"


demo_bundid = identity_providers.register(KEY)(DemoBundIDProvider())
