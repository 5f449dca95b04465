"""What the URL walk needs for every route: the objects its parameters name, built once through
the services as a visitor's actions would, and the table of how each route is visited.

``ROUTES`` maps every route name of the URL configuration (outside the API and the Django admin)
to a ``Visit``: who visits it (anonymous, the citizen Erika Mustermann, or a Norderstedt admin
with her second factor), the path with ``{placeholders}`` filled from ``Fixtures``, and what
answers: an HTML ``page`` (axe, reflow, zoom), a ``file``, a ``redirect`` (a page that needs
state from earlier steps of a journey: the journey tests visit it with that state), or
``post_only`` (405 for a GET). A new route without an entry fails ``test_every_route_has_a_visit``.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from PIL import Image

from rathaus.accounts.constants import StaffRole
from rathaus.accounts.demo import DEMO_STAFF
from rathaus.accounts.models import User, email_digest
from rathaus.accounts.services import email_verification_token
from rathaus.appointments import services as appointment_services
from rathaus.appointments.models import Office
from rathaus.appointments.selectors import free_starts
from rathaus.cases import services as case_services
from rathaus.cases.plugin import procedure_get
from rathaus.documents.models import IssuedDocument
from rathaus.elections import services as election_services
from rathaus.elections.models import Election
from rathaus.notifications.models import OutboxAttachment
from rathaus.payments import services as payment_services
from rathaus.payments.constants import LedgerSource
from rathaus.payments.models import DemoPlatformTransaction, Payment
from rathaus.payments.providers.base import TransactionState
from rathaus.tenants.models import Municipality
from tests.backoffice.conftest import case_make
from tests.procedures.test_personalausweis import _draft as id_card_draft
from tests.procedures.test_personalausweis import _submit as id_card_submit
from tests.procedures.test_personalausweis import person

ANONYMOUS, CITIZEN, CLERK = "anonymous", "citizen", "clerk"
PAGE, FILE, REDIRECT, POST_ONLY = "page", "file", "redirect", "post_only"
CITIZEN_EMAIL = "erika.mustermann@example.org"
SKIPPED_PREFIXES = ("api/", "verwaltung/admin/")


@dataclass(frozen=True)
class Visit:
    who: str
    path: str
    kind: str = PAGE
    status: int = 200
    content_type: str = "text/html"


V = Visit
ROUTES: dict[str, Visit] = {
    # The Bürgerterminal: its pages do not exist for an ordinary browser (404);
    # tests/browser/test_kiosk.py walks them, with axe, on an enrolled terminal.
    "kiosk:enrol": V(ANONYMOUS, "/terminal/einrichten/"),
    "kiosk:start": V(ANONYMOUS, "/terminal/", FILE, 404),
    "kiosk:check_in": V(ANONYMOUS, "/terminal/einchecken/", FILE, 404),
    "kiosk:ticket": V(ANONYMOUS, "/terminal/nummer/", FILE, 404),
    "kiosk:done": V(ANONYMOUS, "/terminal/fertig/", POST_ONLY, 405),
    "kiosk:alive": V(ANONYMOUS, "/terminal/aktiv/", POST_ONLY, 405),
    "kiosk:display": V(ANONYMOUS, "/terminal/anzeige/", POST_ONLY, 405),
    "kiosk:walk_in": V(ANONYMOUS, "/terminal/wartenummer/", POST_ONLY, 405),
    # Public pages
    "web:home": V(ANONYMOUS, "/"),
    "web:imprint": V(ANONYMOUS, "/impressum/"),
    "web:privacy": V(ANONYMOUS, "/datenschutz/"),
    "web:accessibility": V(ANONYMOUS, "/barrierefreiheit/"),
    "web:accessibility_feedback": V(ANONYMOUS, "/barrierefreiheit/rueckmeldung/"),
    "web:accessibility_feedback_sent": V(CITIZEN, "/barrierefreiheit/rueckmeldung/gesendet/"),
    "web:easy_language": V(ANONYMOUS, "/leichte-sprache/"),
    "web:sign_language": V(ANONYMOUS, "/gebaerdensprache/"),
    # The demo towns have no video of their own (the page shows the empty slot).
    "web:sign_language_video": V(ANONYMOUS, "/gebaerdensprache/video", FILE, 404),
    "web:theme": V(ANONYMOUS, "/theme.css", FILE, content_type="text/css"),
    "web:logo": V(ANONYMOUS, "/logo", FILE, content_type="image/svg+xml"),
    "web:demo": V(ANONYMOUS, "/demo/"),
    "web:language": V(ANONYMOUS, "/sprache/de/?next=/leistungen/", REDIRECT, 302),
    "catalogue:service_list": V(ANONYMOUS, "/leistungen/"),
    "catalogue:service_search": V(ANONYMOUS, "/leistungen/suche/?q=ausweis"),
    "catalogue:service_detail": V(ANONYMOUS, "/leistungen/personalausweis/"),
    "documents:verify_start": V(ANONYMOUS, "/pruefen/"),
    "documents:verify": V(ANONYMOUS, "/pruefen/{verification_code}/"),
    # Accounts
    "accounts:profile": V(CITIZEN, "/konto/"),
    "accounts:login": V(ANONYMOUS, "/konto/anmelden/"),
    "accounts:login_code": V(ANONYMOUS, "/konto/anmelden/code/", REDIRECT, 302),
    "accounts:staff_login": V(ANONYMOUS, "/konto/mitarbeitende/anmelden/"),
    "accounts:logout": V(CITIZEN, "/konto/abmelden/", POST_ONLY, 405),
    "accounts:register": V(ANONYMOUS, "/konto/registrieren/"),
    "accounts:register_done": V(ANONYMOUS, "/konto/registrieren/gesendet/"),
    "accounts:verify_email": V(ANONYMOUS, "/konto/bestaetigen/{verify_token}/"),
    "accounts:resend_verification": V(ANONYMOUS, "/konto/bestaetigen-erneut/"),
    "accounts:password_reset": V(ANONYMOUS, "/konto/passwort-vergessen/"),
    "accounts:password_reset_done": V(ANONYMOUS, "/konto/passwort-vergessen/gesendet/"),
    "accounts:password_reset_confirm": V(
        ANONYMOUS, "/konto/passwort-neu/{reset_uid}/{reset_token}/"
    ),
    "accounts:password_reset_complete": V(ANONYMOUS, "/konto/passwort-neu/fertig/"),
    "accounts:profile_edit": V(CITIZEN, "/konto/daten/"),
    "accounts:totp_setup": V(CITIZEN, "/konto/zwei-faktor/"),
    "accounts:totp_remove": V(CITIZEN, "/konto/zwei-faktor/ausschalten/"),
    "accounts:delete": V(CITIZEN, "/konto/loeschen/"),
    "accounts:delete_done": V(ANONYMOUS, "/konto/geloescht/"),
    "accounts:identify": V(CITIZEN, "/konto/identifizieren/"),
    "accounts:demo_totp": V(ANONYMOUS, "/konto/demo/totp/"),
    "accounts:demo_bundid": V(ANONYMOUS, "/konto/demo/bundid/"),
    "notifications:demo_outbox": V(ANONYMOUS, "/demo/postausgang/"),
    "notifications:demo_outbox_attachment": V(
        ANONYMOUS, "/demo/postausgang/anhang/{outbox_attachment}/", FILE, content_type="text/"
    ),
    # The citizen's requests
    "cases:my_cases": V(CITIZEN, "/anliegen/meine/"),
    "cases:status_lookup": V(ANONYMOUS, "/anliegen/status/"),
    "cases:case_detail": V(CITIZEN, "/anliegen/meine/{case}/"),
    "cases:case_withdraw": V(CITIZEN, "/anliegen/meine/{case}/zurueckziehen/"),
    # Only while a code letter waits for an Anmeldung (tests/browser/test_code_letter_journey.py).
    "procedures:code_letter_enter": V(CITIZEN, "/anliegen/meine/{case}/codebrief/", FILE, 404),
    # A POST button, only on a registration waiting for the other parent's consent (404 for
    # other cases; tests/procedures/test_custody_consent.py and the consent journey).
    "procedures:custody_consent_code_renew": V(
        CITIZEN, "/anliegen/meine/{case}/zustimmungscode/", FILE, 404
    ),
    # Only with the online ID (a password login is sent to identify itself); the other parent's
    # consent pages are walked with axe in tests/browser/test_custody_consent_journey.py.
    "procedures:custody_consent": V(CITIZEN, "/anliegen/zustimmung/", REDIRECT, 302),
    "cases:attachment_download": V(
        CITIZEN, "/anliegen/meine/{case}/anhaenge/{attachment}/", FILE, content_type="image/png"
    ),
    "cases:receipt_download": V(
        CITIZEN, "/anliegen/meine/{case}/eingangsbestaetigung.pdf", FILE, content_type="applica"
    ),
    "cases:issued_document_download": V(
        CITIZEN, "/anliegen/meine/{approved_case}/dokumente/{document}/", FILE, content_type="a"
    ),
    "cases:confirmation_receipt_download": V(
        CITIZEN, "/anliegen/eingereicht/{case_id}/eingangsbestaetigung.pdf", FILE, content_type="a"
    ),
    "cases:confirmation": V(CITIZEN, "/anliegen/eingereicht/{case_id}/"),
    "cases:start": V(ANONYMOUS, "/anliegen/allgemeines-anliegen/start/"),
    "cases:check": V(CITIZEN, "/anliegen/personalausweis/{draft}/pruefen/"),
    "cases:page": V(CITIZEN, "/anliegen/personalausweis/{draft}/zustaendigkeit/"),
    "cases:attachment_page": V(CITIZEN, "/anliegen/allgemeines-anliegen/{file_draft}/anhang/"),
    "cases:group_add": V(CITIZEN, "/anliegen/personalausweis/{draft}/personen/neu/"),
    "cases:group_item": V(CITIZEN, "/anliegen/personalausweis/{draft}/personen/0/"),
    "cases:group_remove": V(CITIZEN, "/anliegen/personalausweis/{draft}/personen/0/entfernen/"),
    # Appointments and wait tickets
    "appointments:book": V(ANONYMOUS, "/termine/"),
    "appointments:book_service": V(ANONYMOUS, "/termine/leistung/personalausweis/"),
    "appointments:book_counts": V(ANONYMOUS, "/termine/anzahl/", REDIRECT, 302),
    # Starts the booking with the case's services, then goes on to choosing the office.
    "appointments:book_for_case": V(CITIZEN, "/termine/anliegen/{id_card_case}/", REDIRECT, 302),
    "appointments:book_office": V(ANONYMOUS, "/termine/standort/", REDIRECT, 302),
    "appointments:book_day": V(ANONYMOUS, "/termine/tag/", REDIRECT, 302),
    "appointments:book_time": V(ANONYMOUS, "/termine/uhrzeit/", REDIRECT, 302),
    "appointments:book_details": V(ANONYMOUS, "/termine/angaben/", REDIRECT, 302),
    "appointments:book_sent": V(ANONYMOUS, "/termine/gesendet/"),
    "appointments:finalise": V(ANONYMOUS, "/termine/bestaetigen/{confirm_token}/"),
    "appointments:cancel": V(ANONYMOUS, "/termine/absagen/{booking}/{cancel_token}/"),
    "appointments:move": V(ANONYMOUS, "/termine/verschieben/{booking}/{move_token}/"),
    "appointments:booking": V(ANONYMOUS, "/termine/termin/{booking}/{cancel_token}/"),
    "appointments:calendar": V(
        ANONYMOUS, "/termine/kalender/{booking}/{cancel_token}/", FILE, content_type="text/cal"
    ),
    "appointments:call_display": V(CLERK, "/termine/anzeige/{office}/"),
    "appointments:call_display_data": V(
        CLERK, "/termine/anzeige/{office}/daten/", FILE, content_type="application/json"
    ),
    "appointments:counter_screen": V(CLERK, "/termine/schalter/{office}/"),
    "appointments:check_in": V(CLERK, "/termine/einchecken/{office}/"),
    "appointments:walk_in": V(ANONYMOUS, "/termine/wartenummer/{office}/"),
    "appointments:statistics": V(CLERK, "/termine/statistik/{office}/"),
    "appointments:day_view": V(CLERK, "/termine/verwaltung/{office}/tag/"),
    # Postal vote
    "elections:start": V(ANONYMOUS, "/briefwahl/"),
    "elections:apply": V(ANONYMOUS, "/briefwahl/{election}/antrag/"),
    # Shown only in the session that applied: the walk puts the reference into the citizen's.
    "elections:confirmation": V(CITIZEN, "/briefwahl/antrag/{application}/"),
    "elections:status": V(ANONYMOUS, "/briefwahl/status/"),
    "elections_office:elections": V(CLERK, "/verwaltung/briefwahl/"),
    "elections_office:election": V(CLERK, "/verwaltung/briefwahl/{election}/"),
    "elections_office:queue": V(CLERK, "/verwaltung/briefwahl/{election}/pruefen/"),
    "elections_office:application": V(
        CLERK, "/verwaltung/briefwahl/{election}/antraege/{application}/"
    ),
    # Only an application through a proxy carries a written authority.
    "elections_office:authority": V(
        CLERK, "/verwaltung/briefwahl/{election}/antraege/{application}/vollmacht/", FILE, 404
    ),
    "elections_office:issue_all": V(
        CLERK, "/verwaltung/briefwahl/{election}/ausstellen/", POST_ONLY, 405
    ),
    "elections_office:wahlscheine": V(CLERK, "/verwaltung/briefwahl/{election}/wahlscheine/"),
    "elections_office:invalidate": V(
        CLERK,
        "/verwaltung/briefwahl/{election}/wahlscheine/{wahlschein}/ungueltig/",
        POST_ONLY,
        405,
    ),
    "elections_office:pdf": V(
        CLERK, "/verwaltung/briefwahl/{election}/listen/versand.pdf", FILE, content_type="a"
    ),
    # Payments
    "payments:overview": V(CITIZEN, "/bezahlen/{payment}/"),
    "payments:return": V(CITIZEN, "/bezahlen/{payment}/zurueck/"),
    "payments:receipt": V(CITIZEN, "/bezahlen/{payment}/quittung.pdf", FILE, content_type="a"),
    "payments_demo:token": V(ANONYMOUS, "/demo-bezahlplattform/token/", POST_ONLY, 405),
    "payments_demo:transactions": V(
        ANONYMOUS, "/demo-bezahlplattform/paymenttransaction/o/e", POST_ONLY, 405
    ),
    "payments_demo:transaction_detail": V(
        ANONYMOUS, "/demo-bezahlplattform/paymenttransaction/o/e/{payment}", FILE, 403, "appl"
    ),
    "payments_demo:pay_page": V(ANONYMOUS, "/demo-bezahlplattform/bezahlen/{transaction}/"),
    # Back office
    "backoffice:inbox": V(CLERK, "/verwaltung/"),
    "backoffice:case_detail": V(CLERK, "/verwaltung/faelle/{case}/"),
    "backoffice:case_assign": V(CLERK, "/verwaltung/faelle/{case}/zuweisen/", POST_ONLY, 405),
    "backoffice:case_approve": V(CLERK, "/verwaltung/faelle/{case}/genehmigen/"),
    "backoffice:case_complete": V(CLERK, "/verwaltung/faelle/{case}/abschliessen/"),
    "backoffice:case_reject": V(CLERK, "/verwaltung/faelle/{case}/ablehnen/"),
    "backoffice:case_request_info": V(CLERK, "/verwaltung/faelle/{case}/nachfragen/"),
    "backoffice:case_message": V(CLERK, "/verwaltung/faelle/{case}/nachricht/"),
    "backoffice:attachment_download": V(
        CLERK, "/verwaltung/faelle/{case}/anhaenge/{attachment}/", FILE, content_type="image/png"
    ),
    "backoffice:document_download": V(
        CLERK, "/verwaltung/faelle/{approved_case}/dokumente/{document}/", FILE, content_type="a"
    ),
    "backoffice:case_code_letter": V(CLERK, "/verwaltung/faelle/{case}/codebrief/", POST_ONLY, 405),
    "backoffice:case_action": V(CLERK, "/verwaltung/faelle/{case}/pruefen/", POST_ONLY, 405),
    "backoffice:case_stage": V(
        CLERK, "/verwaltung/faelle/{id_card_case}/schritt/produktion/", POST_ONLY, 405
    ),
    "backoffice:offices": V(CLERK, "/verwaltung/termine/"),
    "backoffice:payment_list": V(CLERK, "/verwaltung/zahlungen/"),
    "backoffice:payment_export": V(CLERK, "/verwaltung/zahlungen/export/"),
    "backoffice:payment_detail": V(CLERK, "/verwaltung/zahlungen/{payment}/"),
    "backoffice:payment_waive": V(CLERK, "/verwaltung/zahlungen/{open_payment}/gebuehr-erlassen/"),
    "backoffice:payment_refund_request": V(CLERK, "/verwaltung/zahlungen/{payment}/erstattung/"),
    "backoffice:payment_refund_confirm": V(
        CLERK, "/verwaltung/zahlungen/{payment}/erstattung-bestaetigen/", POST_ONLY, 405
    ),
    "backoffice:payment_resolve": V(
        CLERK, "/verwaltung/zahlungen/{payment}/geprueft/", POST_ONLY, 405
    ),
    "backoffice:read_log": V(CLERK, "/verwaltung/zugriffsprotokoll/"),
    "backoffice:statistics": V(CLERK, "/verwaltung/statistik/"),
}


def route_names() -> set[str]:
    """Every named route of the URL configuration outside the API and the Django admin."""

    def walk(patterns, prefix: str, namespace: str | None):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                scope = f"{namespace}:{inner}" if namespace and inner else inner or namespace
                yield from walk(pattern.url_patterns, route, scope)
            elif isinstance(pattern, URLPattern) and not route.startswith(SKIPPED_PREFIXES):
                name = pattern.name or route
                yield f"{namespace}:{name}" if namespace else name

    return set(walk(get_resolver().url_patterns, "", None))


def demo_staff_admin() -> tuple[User, str]:
    _slug, _role, email, _given, _family, key = next(
        row for row in DEMO_STAFF if row[0] == "norderstedt" and row[1] == StaffRole.ADMIN
    )
    return User.objects.get(email_digest=email_digest(email)), key


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (20, 90, 160)).save(out, format="PNG")
    return out.getvalue()


def _paid(payment: Payment) -> Payment:
    Payment.objects.filter(pk=payment.pk).update(
        provider_key="demo", provider_transaction_id=f"walk-{payment.pk}"
    )
    payment.refresh_from_db()
    payment_services.payment_state_apply(
        payment=payment,
        state=TransactionState(
            transaction_id=payment.provider_transaction_id,
            platform_status="PAYED",
            amount=payment.amount,
            currency="EUR",
            payment_method="CREDITCARD",
            raw={},
        ),
        source=LedgerSource.RETURN,
    )
    payment.refresh_from_db()
    return payment


def _booking(town: Municipality, *, finalise: bool = True):
    office = Office.objects.filter(municipality=town, is_active=True).order_by("name").first()
    today = timezone.localdate()
    services = [("personalausweis", 1)]
    start = free_starts(
        municipality=town,
        office=office,
        services=services,
        first_day=today,
        last_day=today + datetime.timedelta(days=40),
    )[0]
    hold = appointment_services.hold_create(
        municipality=town, office=office, services=services, start=start
    )
    booking = appointment_services.booking_confirm(
        municipality=town,
        hold_token=hold.token,
        name="Erika Mustermann",
        email=CITIZEN_EMAIL,
        phone="",
    )
    confirm_token = appointment_services.confirm_token_make(booking)
    if finalise:
        appointment_services.booking_finalise(municipality=town, token=confirm_token)
    return office, booking, confirm_token


def _election(town: Municipality) -> tuple[Election, str, int]:
    from tests.browser.test_briefwahl_journey import _election as election_make

    election = election_make()
    election_services.election_lists_approve(election=election, actor=demo_staff_admin()[0])
    result = election_services.application_submit(
        election=election,
        data=election_services.ApplicationData(
            family_name="Müller",
            given_names="Anna Maria",
            birth_date=datetime.date(1980, 5, 17),
            street="Rathausallee",
            house_number="50",
            postal_code="22846",
            city="Norderstedt",
        ),
    )
    application = result.application
    wahlschein = application.wahlscheine.order_by("number").first() if application else None
    if wahlschein is None:
        wahlschein = election_services.wahlschein_issue(
            application=application, actor=demo_staff_admin()[0]
        )
    return election, application.reference, wahlschein.number


def build() -> dict[str, str]:
    """The objects the walk's paths name, in Norderstedt, made through the services."""
    town = Municipality.objects.get(slug="norderstedt")
    erika = User.objects.get(email_digest=email_digest(CITIZEN_EMAIL))
    admin, _key = demo_staff_admin()
    case = case_make(municipality=town, citizen=erika, subject="Gehweg")
    upload = SimpleUploadedFile("Gehweg.png", _png(), content_type="image/png")
    attachment = case_services.attachment_add(case=case, upload=upload, actor=admin)
    approved = case_make(municipality=town, citizen=erika, subject="Parkausweis")
    case_services.case_transition(case=approved, to_status="in_review", actor=admin)
    case_services.case_approve(case=approved, actor=admin)
    document = IssuedDocument.objects.get(case=approved)

    paid_case = case_make(municipality=town, citizen=erika, subject="Sperrmüll")
    payment = _paid(
        payment_services.payment_for_case_require(case=paid_case, amount=Decimal("9.50"))
    )
    open_case = case_make(municipality=town, citizen=erika, subject="Hundemarke")
    open_payment = payment_services.payment_for_case_require(case=open_case, amount=Decimal("5.00"))
    # The demo platform's own record of a transaction waiting on its pay page.
    transaction = DemoPlatformTransaction.objects.create(
        originator_id="o",
        endpoint_id="e",
        request_id=f"walk-{open_payment.pk}",
        payment_request={"grossAmount": "5.00", "purpose": open_case.reference},
    ).transaction_id

    draft = id_card_draft(town, erika, [person()])
    id_card_case = id_card_submit(town, erika, [person(given_names="Erik")])
    general = procedure_get("allgemeines-anliegen")
    file_draft = case_services.case_draft_start(
        municipality=town, procedure=general, actor=erika, owner_token="walk"
    )
    request_page = general.page("anliegen")
    case_services.case_draft_answers_save(
        case=file_draft,
        page=request_page,
        cleaned_data={"subject": "Foto", "message": "Siehe Foto.", "add_file": True},
        actor=erika,
    )

    office, booking, _token = _booking(town)
    # A second booking stays unconfirmed, so its confirmation link still shows its page.
    _office, _unconfirmed, open_confirm_token = _booking(town, finalise=False)
    election, application, wahlschein = _election(town)
    attachment_row = OutboxAttachment.objects.order_by("pk").first()
    return {
        "case": case.reference,
        "case_id": str(case.public_id),
        "attachment": str(attachment.public_id),
        "approved_case": approved.reference,
        "document": str(document.public_id),
        "verification_code": document.verification_code,
        "payment": str(payment.public_id),
        "open_payment": str(open_payment.public_id),
        "transaction": str(transaction),
        "draft": str(draft.public_id),
        "file_draft": str(file_draft.public_id),
        "id_card_case": id_card_case.reference,
        "office": office.slug,
        "booking": booking.code,
        "confirm_token": open_confirm_token,
        "cancel_token": appointment_services.cancel_token_make(booking),
        "move_token": appointment_services.move_token_make(booking),
        "election": str(election.public_id),
        "application": application,
        "wahlschein": str(wahlschein),
        "outbox_attachment": str(attachment_row.pk) if attachment_row else "0",
        "verify_token": email_verification_token(user=erika),
        "reset_uid": urlsafe_base64_encode(force_bytes(erika.pk)),
        "reset_token": default_token_generator.make_token(erika),
    }
