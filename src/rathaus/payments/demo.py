"""Demo data: every demo town pays through the built-in demo payment platform."""

from __future__ import annotations

import os

from rathaus.tenants.models import Municipality

from .models import ProviderConfig

DEMO_CLIENT_SECRET = "demo-platform-secret"


def demo_platform_base() -> str:
    # Rathaus calls its own demo platform over HTTP; the demo server listens here.
    port = os.environ.get("PORT", "8000")
    return os.environ.get("RATHAUS_DEMO_PAYMENT_BASE", f"http://127.0.0.1:{port}")


def load(*, stdout=None) -> None:
    base = demo_platform_base().rstrip("/")
    count = 0
    for municipality in Municipality.objects.filter(is_active=True):
        ProviderConfig.objects.update_or_create(
            municipality=municipality,
            defaults={
                "provider_key": "demo",
                "base_url": f"{base}/demo-bezahlplattform/",
                "token_url": f"{base}/demo-bezahlplattform/token/",
                "originator_id": "rathaus-demo",
                "endpoint_id": municipality.ags,
                "client_id": f"demo-{municipality.slug}",
                "client_secret": DEMO_CLIENT_SECRET,
                "is_active": True,
            },
        )
        count += 1
    if stdout is not None:
        stdout.write(f"payments: demo payment platform for {count} municipalities")


def login_lines(*, host: str, port: str) -> list[str]:
    return [
        "",
        "Payments: the demo payment platform runs at /demo-bezahlplattform/ (demo only);",
        "on its pay page choose a method and the outcome (paid, declined, cancelled, …).",
    ]
