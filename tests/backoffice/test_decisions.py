"""Issue 12, item 4: the reply loop. Every clerk's decision goes through a confirmation page with
the clerk's text, in the procedure's words; a general request is answered, and the answer reaches
the letter, the e-mail to the address the citizen gave, the history and the citizen's timeline."""

import io

import pypdf
import pytest
from django.urls import reverse
from django.utils import translation

from rathaus.cases import services
from rathaus.cases.constants import CaseStatus
from rathaus.cases.errors import CaseError
from rathaus.cases.models import CaseEvent, CaseReadLog
from rathaus.cases.plugin import procedure_get
from rathaus.documents.models import IssuedDocument
from rathaus.documents.selectors import issued_document_content
from rathaus.notifications.models import OutboxMessage
from tests.accounts.factories import citizen_create, login_verified

from .conftest import GENERAL, NOR_HOST, REI_HOST, case_make

pytestmark = pytest.mark.django_db

ANSWER = "Die Laterne wird am Montag repariert.\nDanke für den Hinweis."


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


def _url(case, name):
    return reverse(name, args=[case.reference])


def _pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def _in_review(case, clerk):
    services.case_transition(case=case, to_status=CaseStatus.IN_REVIEW, actor=clerk)


# --- the citizen's journey asks for the reply address -----------------------------------------
def test_email_reply_asks_for_the_address_prefilled_from_the_account(
    nor_client, norderstedt, citizen
):
    nor_client.force_login(citizen)
    nor_client.cookies["django_language"] = "en"
    start = nor_client.post(reverse("cases:start", args=[GENERAL]))
    assert start.status_code == 302, start.content.decode()[-3000:]
    url = start.url
    response = nor_client.post(url, {"subject": "Laterne", "message": "Dunkel."})
    assert response.status_code == 302, response.content.decode()[-3000:]
    url = response.url
    url = nor_client.post(url, {"contact_preference": "email"}).url
    assert url.endswith("/e-mail/")
    page = nor_client.get(url).content.decode()
    assert 'value="erika@example.org"' in page  # offered from the account …
    assert "your user account" in page  # … and the page says so
    refused = nor_client.post(url, {"email": "keine-adresse"})
    assert refused.status_code == 200 and "<title>Error:" in refused.content.decode()
    empty = nor_client.post(url, {"email": ""})
    assert empty.status_code == 200
    url = nor_client.post(url, {"email": "antwort@example.org"}).url
    assert url.endswith("/angaben/")


def test_the_address_is_asked_only_for_an_email_reply():
    procedure = procedure_get(GENERAL)
    for preference in ("post", "phone", ""):
        slugs = [page.slug for page in procedure.active_pages({"contact_preference": preference})]
        assert "e-mail" not in slugs
    assert procedure.reply_email({"contact_preference": "post", "email": "a@example.org"}) == ""
    assert (
        procedure.reply_email({"contact_preference": "email", "email": "a@example.org"})
        == "a@example.org"
    )


def test_clerk_sees_the_address_stored_encrypted(as_staff, clerk, nor_case):
    page = as_staff(clerk).get(_url(nor_case, "backoffice:case_detail")).content.decode()
    assert "E-mail address" in page and "erika@example.org" in page
    assert nor_case.answers["email"] == "erika@example.org"
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT answers FROM cases_case WHERE id = %s", [nor_case.pk])
        raw = str(cursor.fetchone()[0])
    assert "erika@example.org" not in raw


# --- the confirmation page ---------------------------------------------------------------------
def test_confirmation_page_says_what_happens_and_to_whom_in_the_procedures_words(
    as_staff, clerk, nor_case
):
    _in_review(nor_case, clerk)
    client = as_staff(clerk)
    case_page = client.get(_url(nor_case, "backoffice:case_detail")).content.decode()
    assert _url(nor_case, "backoffice:case_approve") in case_page
    assert ">Answer<" in case_page and "Approve" not in case_page
    before = CaseReadLog.objects.count()
    response = client.get(_url(nor_case, "backoffice:case_approve"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Answer the request" in html and "Your answer" in html
    assert "By e-mail to erika@example.org" in html
    assert "Reply letter" in html and "Erika Mustermann" in html
    assert "“in review” to “answered”" in html
    # The page shows personal data: it is a logged read, like the case page.
    assert CaseReadLog.objects.count() == before + 1
    assert CaseReadLog.objects.order_by("-pk").first().data_categories == ["answers"]
    nor_case.refresh_from_db()
    assert nor_case.status == CaseStatus.IN_REVIEW


def test_answer_without_text_is_refused_with_the_error_summary(as_staff, clerk, nor_case):
    _in_review(nor_case, clerk)
    response = as_staff(clerk).post(_url(nor_case, "backoffice:case_approve"), {"text": "  "})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in html and "Enter “Your answer”." in html
    nor_case.refresh_from_db()
    assert nor_case.status == CaseStatus.IN_REVIEW
    with pytest.raises(CaseError):
        services.case_decide(case=nor_case, actor=clerk, to_status=CaseStatus.APPROVED, text="")


def test_answer_reaches_history_timeline_letter_and_email(
    as_staff, clerk, nor_case, citizen, client, django_capture_on_commit_callbacks
):
    _in_review(nor_case, clerk)
    OutboxMessage.objects.all().delete()
    staff = as_staff(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(_url(nor_case, "backoffice:case_approve"), {"text": ANSWER})
    assert response.status_code == 302
    nor_case.refresh_from_db()
    assert nor_case.status == CaseStatus.APPROVED
    event = CaseEvent.objects.filter(case=nor_case).last()
    assert (event.to_status, event.reason, event.actor) == ("approved", ANSWER, clerk)
    # History in the clerk's words.
    page = staff.get(_url(nor_case, "backoffice:case_detail")).content.decode()
    assert "answered" in page and "approved" not in page.lower().replace("approved_by", "")
    # The letter carries the answer, not a stock sentence.
    document = IssuedDocument.objects.get(case=nor_case)
    with translation.override("de"):
        text = _pdf_text(issued_document_content(document=document))
    assert "Die Laterne wird am Montag repariert." in text
    assert "entsprochen" not in text
    # One e-mail, to the address the citizen gave, with the answer.
    mail = OutboxMessage.objects.get()
    assert mail.recipients == "erika@example.org"
    assert "Die Laterne wird am Montag repariert." in mail.body
    assert "beantwortet" in mail.subject + mail.body
    assert f"/anliegen/meine/{nor_case.reference}/" in mail.body
    # The citizen reads it as "answered" in "Meine Anliegen".
    client.force_login(citizen)
    client.cookies["django_language"] = "de"
    mine = client.get(reverse("cases:my_cases"), HTTP_HOST=NOR_HOST).content.decode()
    assert "beantwortet" in mine and "bewilligt" not in mine
    detail = client.get(
        reverse("cases:case_detail", args=[nor_case.reference]), HTTP_HOST=NOR_HOST
    ).content.decode()
    assert "beantwortet" in detail and "bewilligt" not in detail
    assert "Die Laterne wird am Montag repariert." in detail


def test_anonymous_request_is_answered_at_the_given_address(
    norderstedt, clerk, django_capture_on_commit_callbacks
):
    procedure = procedure_get(GENERAL)
    case = services.case_draft_start(
        municipality=norderstedt, procedure=procedure, actor=None, owner_token="anon"
    )
    for slug, data in (
        ("anliegen", {"subject": "Frage", "message": "Wann?", "add_file": False}),
        ("kontakt", {"contact_preference": "email"}),
        ("e-mail", {"email": "anon@example.org"}),
        ("angaben", {"applicant_name": "Anna Anonym"}),
    ):
        services.case_draft_answers_save(
            case=case, page=procedure.page(slug), cleaned_data=data, actor=None
        )
    case, _created = services.case_submit(
        case=case, actor=None, idempotency_key=case.idempotency_key
    )
    _in_review(case, clerk)
    OutboxMessage.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.case_decide(
            case=case, actor=clerk, to_status=CaseStatus.APPROVED, text="Am Dienstag."
        )
    mail = OutboxMessage.objects.get()
    assert mail.recipients == "anon@example.org"
    assert "Am Dienstag." in mail.body and case.reference in mail.body
    assert "/anliegen/meine/" not in mail.body  # no account to log in to


def test_without_email_reply_the_notice_carries_no_details(
    as_staff, clerk, norderstedt, citizen, django_capture_on_commit_callbacks
):
    case = case_make(municipality=norderstedt, citizen=citizen)
    # The helper's citizen chose an e-mail reply; this one wants a letter.
    case.answers = {**case.answers, "contact_preference": "post"}
    case.save(update_fields=["answers"])
    assert procedure_get(GENERAL).reply_email(case.answers) == ""
    _in_review(case, clerk)
    OutboxMessage.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        as_staff(clerk).post(_url(case, "backoffice:case_approve"), {"text": "Geheim."})
    mail = OutboxMessage.objects.get()
    assert mail.recipients == citizen.email
    assert "Geheim." not in mail.body and case.reference not in mail.body


def test_complete_and_reject_are_confirmed_first(as_staff, clerk, norderstedt, citizen):
    client = as_staff(clerk)
    approved = case_make(municipality=norderstedt, citizen=citizen)
    _in_review(approved, clerk)
    services.case_decide(case=approved, actor=clerk, to_status=CaseStatus.APPROVED, text="Ja.")
    page = client.get(_url(approved, "backoffice:case_complete")).content.decode()
    assert "Close the request" in page and "“answered” to “closed”" in page
    assert client.post(_url(approved, "backoffice:case_complete"), {"text": ""}).status_code == 302
    approved.refresh_from_db()
    assert approved.status == CaseStatus.COMPLETED

    rejected = case_make(municipality=norderstedt, citizen=citizen, subject="Spielplatz")
    page = client.get(_url(rejected, "backoffice:case_reject")).content.decode()
    assert "Reject the request" in page and "Reason for the rejection" in page
    client.post(_url(rejected, "backoffice:case_reject"), {"text": "Zuständig ist der Kreis."})
    rejected.refresh_from_db()
    assert rejected.status == CaseStatus.REJECTED


def test_other_procedures_keep_the_engines_words(procedure_variant, as_staff, clerk, nor_case):
    procedure_variant(GENERAL, decision_wording={})
    _in_review(nor_case, clerk)
    client = as_staff(clerk)
    page = client.get(_url(nor_case, "backoffice:case_approve")).content.decode()
    assert "Approve the application" in page and "Note to the applicant (optional)" in page
    # The note is optional there.
    assert client.post(_url(nor_case, "backoffice:case_approve"), {"text": ""}).status_code == 302
    nor_case.refresh_from_db()
    assert nor_case.status == CaseStatus.APPROVED


def test_decision_pages_are_404_for_wrong_citizen_clerk_and_town(
    client, nor_case, rei_clerk, rei_admin
):
    stranger = citizen_create(email="max@example.org")
    names = ("backoffice:case_approve", "backoffice:case_complete", "backoffice:case_reject")
    for user, host in ((rei_clerk, NOR_HOST), (rei_clerk, REI_HOST), (rei_admin, REI_HOST)):
        login_verified(client, user)
        for name in names:
            for method in ("get", "post"):
                before = CaseReadLog.objects.count()
                response = getattr(client, method)(
                    _url(nor_case, name),
                    {"text": "x"} if method == "post" else None,
                    HTTP_HOST=host,
                )
                assert response.status_code == 404, (user, host, name, method)
                assert CaseReadLog.objects.count() == before
        client.logout()
    client.force_login(stranger)
    for name in names:
        response = client.get(_url(nor_case, name), HTTP_HOST=NOR_HOST)
        assert response.status_code in (302, 403, 404)
        assert CaseReadLog.objects.count() == 0
    nor_case.refresh_from_db()
    assert nor_case.status == CaseStatus.SUBMITTED
