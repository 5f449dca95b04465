from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from .models import Municipality, MunicipalityHost

# Simple logos drawn for the demo towns (not their real coats of arms).
DEMO_LOGOS = Path(__file__).resolve().parent / "demo_logos"

DEMO_TOWNS = [
    {
        "slug": "norderstedt",
        "name": "Stadt Norderstedt",
        "ags": "01060063",
        "state": "SH",
        "reference_prefix": "NOR",
        "street": "Rathausallee 50",
        "postal_code": "22846",
        "city": "Norderstedt",
        "phone": "040 535950",
        "email": "info@norderstedt.example",
        "accent_colour": "#005ca9",
        "opening_hours": "An gesetzlichen Feiertagen geschlossen.",
        "hosts": ["norderstedt.localhost", "127.0.0.1", "localhost"],
    },
    {
        "slug": "reinbek",
        "name": "Stadt Reinbek",
        "ags": "01062060",
        "state": "SH",
        "reference_prefix": "REI",
        "street": "Hamburger Straße 5–7",
        "postal_code": "21465",
        "city": "Reinbek",
        "phone": "040 727500",
        "email": "info@reinbek.example",
        "accent_colour": "#2e7d32",
        "opening_hours": "An gesetzlichen Feiertagen und am 24. und 31. Dezember geschlossen.",
        "hosts": ["reinbek.localhost"],
    },
]

LEGAL_TEXTS = {
    "imprint": "{name}\n{street}\n{postal_code} {city}\n\nVertreten durch die Bürgermeisterin bzw. "
    "den Bürgermeister.\nTelefon: {phone}\nE-Mail: {email}\n\n(Demo-Installation, fiktive "
    "Kontaktangaben.)",
    "privacy_notice": "Verantwortlich ist {name}. Wir verarbeiten Ihre Daten nur, um Ihr Anliegen "
    "zu bearbeiten (Art. 6 Abs. 1 lit. c und e DSGVO). Personenbezogene Daten werden verschlüsselt "
    "gespeichert und nach Ablauf der gesetzlichen Fristen gelöscht. Sie haben das Recht auf "
    "Auskunft, Berichtigung, Löschung und Beschwerde bei der Aufsichtsbehörde.",
    "accessibility_statement": "{name} ist bemüht, dieses Portal barrierefrei zugänglich zu machen "
    "(BITV 2.0, WCAG 2.1 AA). Stand der Vereinbarkeit: weitgehend vereinbar.\n\nFeedback und "
    "Kontakt: Wenn Ihnen Mängel auffallen, schreiben Sie an {email} oder rufen Sie {phone} an.\n\n"
    "Schlichtungsverfahren: Sie können sich an die Ombudsstelle für barrierefreie "
    "Informationstechnik des Landes wenden.",
    "easy_language": "Das ist das Online-Rathaus von {city}.\n\nHier können Sie Sachen für das "
    "Amt machen.\nZum Beispiel: Sie ziehen um.\nDann melden Sie sich hier an.\n\nSie brauchen "
    "Hilfe?\nRufen Sie an: {phone}.",
}


LEGAL_TEXTS_EN = {
    "imprint_en": "{name}\n{street}\n{postal_code} {city}\n\nRepresented by the mayor.\n"
    "Phone: {phone}\nE-mail: {email}\n\n(Demo installation, fictitious contact details.)",
    "privacy_notice_en": "{name} is responsible. We process your data only to deal with your "
    "request (Art. 6 (1) (c) and (e) GDPR). Personal data is stored encrypted and deleted when "
    "the statutory periods end. You have the right to information, correction, deletion and to "
    "complain to the supervisory authority.",
    "accessibility_statement_en": "{name} strives to make this portal accessible (BITV 2.0, "
    "WCAG 2.1 AA). Status: largely compliant.\n\nFeedback and contact: if you notice a "
    "barrier, write to {email} or call {phone}.\n\nEnforcement procedure: you can turn to the "
    "state's ombudsperson for accessible information technology.",
}
OPENING_NOTES_EN = {
    "norderstedt": "Closed on public holidays.",
    "reinbek": "Closed on public holidays and on 24 and 31 December.",
}


def _demo_logo(slug: str) -> str:
    """The stored name of the town's demo logo, stored once under a fixed name."""
    name = f"logos/demo-{slug}.svg"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile((DEMO_LOGOS / f"{slug}.svg").read_bytes()))
    return name


def load(*, stdout=None) -> list[Municipality]:
    towns = []
    for spec in DEMO_TOWNS:
        spec = dict(spec)
        hosts = spec.pop("hosts")
        texts = {key: text.format(**spec) for key, text in LEGAL_TEXTS.items()}
        texts |= {key: text.format(**spec) for key, text in LEGAL_TEXTS_EN.items()}
        texts["opening_hours_en"] = OPENING_NOTES_EN[spec["slug"]]
        spec["logo"] = _demo_logo(spec["slug"])
        town, _ = Municipality.objects.update_or_create(ags=spec["ags"], defaults={**spec, **texts})
        for index, hostname in enumerate(hosts):
            MunicipalityHost.objects.update_or_create(
                hostname=hostname, defaults={"municipality": town, "is_primary": index == 0}
            )
        towns.append(town)
    return towns


def login_lines(*, host: str, port: str) -> list[str]:
    return [
        "Towns:",
        f"  Norderstedt  http://norderstedt.localhost:{port}/  (also http://{host}:{port}/)",
        f"  Reinbek      http://reinbek.localhost:{port}/",
        f"Demo outbox and TOTP codes: http://{host}:{port}/demo/",
    ]
