"""Demo cases in every state for both demo towns, so the back office looks lived-in."""

from __future__ import annotations

from django.db import transaction

from rathaus.accounts.demo import demo_citizens
from rathaus.accounts.models import User
from rathaus.tenants.models import Municipality

from . import services
from .constants import CaseStatus
from .models import Case
from .plugin import procedure_get

S = CaseStatus
# (subject, message, contact preference, moves after submitting: (status, by clerk?, reason))
DEMO_REQUESTS = [
    ("Laterne defekt", "Die Straßenlaterne vor Hausnummer 12 ist dunkel.", "email", []),
    ("Sperrmüll", "Wann ist der nächste Sperrmülltermin?", "", [(S.IN_REVIEW, True, "")]),
    (
        "Baumschnitt",
        "Ein Ast ragt weit auf den Gehweg.",
        "post",
        [(S.IN_REVIEW, True, ""), (S.INFO_REQUESTED, True, "Bitte nennen Sie die Hausnummer.")],
    ),
    (
        "Parkausweis",
        "Ich brauche einen Anwohnerparkausweis.",
        "email",
        [
            (S.IN_REVIEW, True, ""),
            (
                S.APPROVED,
                True,
                "Den Ausweis beantragen Sie im Bürgerbüro; bringen Sie Ihren Fahrzeugschein mit.",
            ),
        ],
    ),
    (
        "Lärm",
        "Baustellenlärm nachts.",
        "email",
        [
            (S.IN_REVIEW, True, ""),
            (S.APPROVED, True, "Wir haben die Baufirma auf die Ruhezeiten hingewiesen."),
            (S.COMPLETED, True, ""),
        ],
    ),
    (
        "Spielplatz",
        "Die Schaukel ist kaputt.",
        "",
        [(S.REJECTED, True, "Zuständig ist der Kreis.")],
    ),
    (
        "Hundesteuer",
        "Frage zur Hundesteuer.",
        "email",
        [(S.WITHDRAWN, False, "Hat sich erledigt.")],
    ),
]


def _clerk_of(town: Municipality) -> User | None:
    return User.objects.filter(is_staff=True, memberships__municipality=town).order_by("pk").first()


@transaction.atomic
def load(*, stdout=None) -> None:

    citizens = demo_citizens()
    procedure = procedure_get("allgemeines-anliegen")
    for town in Municipality.objects.filter(slug__in=["norderstedt", "reinbek"]):
        clerk = _clerk_of(town)
        if not citizens or clerk is None:
            continue
        if Case.objects.filter(municipality=town).exclude(status=S.DRAFT).exists():
            continue  # already loaded
        for index, (subject, message, contact, moves) in enumerate(DEMO_REQUESTS):
            citizen = citizens[index % len(citizens)]
            answers = {
                "subject": subject,
                "message": message,
                "contact_preference": contact,
                "applicant_name": citizen.full_name or "Demo",
                "email": citizen.email,
                # Asked for a reply by letter: the address (the demo citizens' own).
                "street": citizen.street or "Rathausallee 12",
                "postal_code": citizen.postal_code or "22846",
                "city": citizen.city or town.name,
            }
            case = services.case_draft_start(
                municipality=town, procedure=procedure, actor=citizen, owner_token=""
            )
            for page in procedure.active_pages(answers):
                form = page(data=procedure.page_data(page, answers))
                form.is_valid()
                services.case_draft_answers_save(
                    case=case, page=page, cleaned_data=form.cleaned_data, actor=citizen
                )
            case, _created = services.case_submit(
                case=case, actor=citizen, idempotency_key=case.idempotency_key
            )
            for to_status, by_clerk, reason in moves:
                services.case_transition(
                    case=case,
                    to_status=to_status,
                    actor=clerk if by_clerk else citizen,
                    reason=reason,
                )
        if stdout is not None:
            stdout.write(f"Demo cases for {town.name}: {len(DEMO_REQUESTS)}\n")
