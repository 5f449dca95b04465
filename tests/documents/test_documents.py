"""Issued documents: PDF/A with code and QR, verification page, access checks on downloads."""

import io
import re
from pathlib import Path

import pypdf
import pytest
from django.urls import reverse
from django.utils import translation

from rathaus.cases.services import case_document_issue as document_issue
from rathaus.cases.services import case_submit, receipt_render
from rathaus.core.audit import AuditEvent
from rathaus.documents.errors import DocumentError
from rathaus.documents.models import IssuedDocument
from rathaus.documents.rendering import verification_url
from rathaus.documents.selectors import code_display, issued_document_content
from rathaus.documents.services import verification_code_new
from tests.cases.conftest import draft_make
from tests.documents.conftest import qr_modules, qr_modules_expected

NOR = {"HTTP_HOST": "norderstedt.localhost"}
REI = {"HTTP_HOST": "reinbek.localhost"}


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def issued_pdf(client, document) -> bytes:
    url = reverse(
        "cases:issued_document_download", args=[document.case.reference, document.public_id]
    )
    response = client.get(url, **NOR)
    assert response.status_code == 200
    return response.content


def test_verification_codes_are_random_base32():
    codes = {verification_code_new() for _ in range(200)}
    assert len(codes) == 200
    assert all(re.fullmatch(r"[A-Z2-7]{16}", code) for code in codes)


def test_a_colliding_verification_code_is_drawn_again(case, clerk, private_root, monkeypatch):
    first = document_issue(case=case, document_type="reply_letter", actor=clerk)
    drawn = iter([first.verification_code, "ABCDEFGHIJKLMNOP"])
    monkeypatch.setattr("rathaus.documents.services.verification_code_new", lambda: next(drawn))
    second = document_issue(case=case, document_type="reply_letter", actor=clerk)
    assert second.verification_code == "ABCDEFGHIJKLMNOP"
    assert IssuedDocument.objects.filter(case=case).count() == 2
    # The attempt that collided left no file behind.
    stored = {path.name for path in (Path(private_root) / "documents").iterdir()}
    assert stored == {Path(first.storage_name).name, Path(second.storage_name).name}


def test_issue_stores_an_encrypted_pdf_a_with_code_and_qr(case, clerk, private_root):
    document = document_issue(case=case, document_type="reply_letter", actor=clerk)
    assert document.municipality_id == case.municipality_id
    assert re.fullmatch(r"[A-Z2-7]{16}", document.verification_code)
    on_disk = (Path(private_root) / document.storage_name).read_bytes()
    assert b"%PDF" not in on_disk
    from rathaus.documents.selectors import issued_document_content

    pdf = issued_document_content(document=document)
    assert pdf.startswith(b"%PDF-")
    import hashlib

    assert hashlib.sha256(pdf).hexdigest() == document.sha256
    text = pdf_text(pdf)
    assert code_display(document.verification_code) in text
    assert f"/pruefen/{document.verification_code}/" in text
    assert case.reference in text and "Stadt Norderstedt" in text
    # PDF/A-3b metadata and the QR code of the verification page, drawn unsmoothed.
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfaid:part[^0-9]*3", xmp) and re.search(r"pdfaid:conformance[^A-Z]*B", xmp)
    (qr,) = reader.pages[0].images
    assert qr.indirect_reference.get_object()["/Interpolate"].value is False
    url = verification_url(municipality=case.municipality, code=document.verification_code)
    assert qr_modules(qr.image) == qr_modules_expected(url)
    event = AuditEvent.objects.get(action="document.issued")
    assert event.data["type"] == "reply_letter"


def test_issue_is_refused_for_unknown_or_undeclared_types_and_non_staff(
    case, citizen, rei_clerk, clerk
):
    for document_type, actor, code in [
        ("meldebescheinigung", clerk, "unknown_document_type"),
        ("reply_letter", citizen, "actor_not_permitted"),
        ("reply_letter", rei_clerk, "actor_not_permitted"),
    ]:
        with pytest.raises(DocumentError) as refused:
            document_issue(case=case, document_type=document_type, actor=actor)
        assert refused.value.code == code
    assert not IssuedDocument.objects.exists()


def test_verification_accepts_the_issued_pdf_and_refuses_a_modified_one(
    client, case, citizen, clerk
):
    document = document_issue(case=case, document_type="reply_letter", actor=clerk)
    client.force_login(citizen)
    pdf = issued_pdf(client, document)
    client.logout()  # verification is public
    url = reverse("documents:verify", args=[document.verification_code])
    page = client.get(url, **NOR)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Stadt Norderstedt" in html and "Antwortschreiben" in html
    # No personal data on the public page.
    for private in ("Erika", "Mustermann", "Laterne", case.reference):
        assert private not in html

    from django.core.files.uploadedfile import SimpleUploadedFile

    match = client.post(url, {"document": SimpleUploadedFile("d.pdf", pdf)}, **NOR)
    assert "Die Datei stimmt überein" in match.content.decode()
    changed = bytearray(pdf)
    changed[len(changed) // 2] ^= 0x01
    no_match = client.post(url, {"document": SimpleUploadedFile("d.pdf", bytes(changed))}, **NOR)
    assert "Die Datei stimmt nicht überein" in no_match.content.decode()
    assert "Die Datei stimmt überein" not in no_match.content.decode()
    # Dashes and lower case in a typed code are fine.
    typed = code_display(document.verification_code).lower()
    assert client.get(reverse("documents:verify", args=[typed]), **NOR).status_code == 200


def test_verification_upload_form_errors_and_unknown_codes(client, case, clerk):
    document = document_issue(case=case, document_type="reply_letter", actor=clerk)
    url = reverse("documents:verify", args=[document.verification_code])
    empty = client.post(url, {}, **NOR)
    html = empty.content.decode()
    assert empty.status_code == 200 and "Fehler:" in html and "data-error-summary" in html
    assert '<label class="kern-label" for="id_document">' in html
    unknown = client.get(reverse("documents:verify", args=["AAAAAAAAAAAAAAAA"]), **NOR)
    assert unknown.status_code == 404 and "Code nicht gefunden" in unknown.content.decode()
    # Another town's host does not confirm Norderstedt's documents.
    assert client.get(url, **REI).status_code == 404
    start = client.post(reverse("documents:verify_start"), {"code": "abcd-efgh"}, **NOR)
    assert start.status_code == 302 and start.url.endswith("/pruefen/ABCDEFGH/")
    refused = client.post(reverse("documents:verify_start"), {"code": ""}, **NOR)
    assert refused.status_code == 200 and "Fehler:" in refused.content.decode()


def test_receipt_pdf_lists_what_was_submitted(case):
    text = pdf_text(receipt_render(case=case))
    assert "Eingangsbestätigung" in text
    assert case.reference in text and "Laterne defekt" in text and "Stadt Norderstedt" in text


def test_receipt_from_the_confirmation_and_case_pages(client, case, citizen):
    client.force_login(citizen)
    detail = client.get(reverse("cases:case_detail", args=[case.reference]), **NOR)
    receipt_url = reverse("cases:receipt_download", args=[case.reference])
    assert receipt_url in detail.content.decode()
    response = client.get(receipt_url, **NOR)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    confirmation = client.get(reverse("cases:confirmation", args=[case.public_id]), **NOR)
    confirmation_receipt = reverse("cases:confirmation_receipt_download", args=[case.public_id])
    assert confirmation_receipt in confirmation.content.decode()
    assert client.get(confirmation_receipt, **NOR).status_code == 200


def test_downloads_are_404_for_everyone_else(client, case, other_citizen, rei_clerk, clerk):
    document = document_issue(case=case, document_type="reply_letter", actor=clerk)
    urls = [
        reverse("cases:issued_document_download", args=[case.reference, document.public_id]),
        reverse("cases:receipt_download", args=[case.reference]),
        reverse("cases:confirmation_receipt_download", args=[case.public_id]),
    ]
    for url in urls:
        client.logout()
        assert client.get(url, **NOR).status_code == 404, url
        client.force_login(other_citizen)
        assert client.get(url, **NOR).status_code == 404, url
        client.force_login(rei_clerk)
        assert client.get(url, **REI).status_code == 404, url
        assert client.get(url, **NOR).status_code == 404, url
    # The town's own clerk too: staff download through the back office, where it is logged.
    client.force_login(clerk)
    for url in urls:
        assert client.get(url, **NOR).status_code == 404, url
    client.force_login(case.applicant)
    assert client.get(urls[0], **NOR).status_code == 200
    wrong = reverse("cases:issued_document_download", args=[case.reference, case.public_id])
    assert client.get(wrong, **NOR).status_code == 404


def test_case_page_lists_issued_documents(client, case, citizen, clerk):
    document = document_issue(case=case, document_type="reply_letter", actor=clerk)
    client.force_login(citizen)
    html = client.get(reverse("cases:case_detail", args=[case.reference]), **NOR).content.decode()
    assert str(document.public_id) in html and "Antwortschreiben" in html
    assert issued_pdf(client, document).startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("language", "expected", "absent"),
    [
        ("de", ["Eingangsbestätigung", "Aktenzeichen", "Ihre Angaben", "Allgemeines Anliegen"], []),
        (
            "en",
            ["Receipt of your request (Eingangsbestätigung)", "Reference number", "Your answers"],
            ["Aktenzeichen", "Ihre Angaben"],
        ),
    ],
)
def test_receipt_pdf_is_in_the_cases_language(case, citizen, language, expected, absent):
    citizen.preferred_language = language
    citizen.save()
    with translation.override("de" if language == "en" else "en"):  # not the page's language
        text = pdf_text(receipt_render(case=case))
    for heading in expected:
        assert heading in text
    for heading in absent:
        assert heading not in text


def test_issued_document_of_an_account_less_case_follows_the_journeys_language(norderstedt, clerk):
    with translation.override("en"):
        draft = draft_make(municipality=norderstedt, owner_token="tok")
    case, _created = submit_without_account(draft)
    with translation.override("de"):  # the clerk's page is German
        document = document_issue(case=case, document_type="reply_letter", actor=clerk)
    text = pdf_text(issued_document_content(document=document))
    assert document.title == "Reply letter"
    assert "Reply letter" in text and "Reference number" in text and "Verification code" in text
    assert "Antwortschreiben" not in text and "Prüfcode" not in text


def submit_without_account(draft):
    return case_submit(case=draft, actor=None, idempotency_key=draft.idempotency_key)
