"""Demo data loaders, in dependency order. Each loader is idempotent (safe to run twice)."""

from django.utils.module_loading import import_string

DEMO_LOADERS = [
    "rathaus.tenants.demo.load",
    "rathaus.catalogue.demo.load",
    "rathaus.accounts.demo.load",
    "rathaus.cases.demo.load",
    "rathaus.appointments.demo.load",
    "rathaus.payments.demo.load",
]

# Lines printed by `make demo`; apps add theirs through DEMO_LOGIN_SECTIONS.
DEMO_LOGIN_SECTIONS = [
    "rathaus.tenants.demo.login_lines",
    "rathaus.accounts.demo.login_lines",
    "rathaus.backoffice.demo.login_lines",
    "rathaus.appointments.demo.login_lines",
    "rathaus.payments.demo.login_lines",
]


def demo_logins_text(*, host: str, port: str) -> str:

    lines = ["", "=" * 72, "Rathaus demo", "=" * 72]
    for dotted in DEMO_LOGIN_SECTIONS:
        try:
            section = import_string(dotted)
        except ImportError:
            continue
        lines.extend(section(host=host, port=port))
    lines.append("=" * 72)
    return "\n".join(lines) + "\n"
