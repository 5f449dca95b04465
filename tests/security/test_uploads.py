"""Uploads: too-large bodies are refused before they are read; PDFs with embedded files or
markup are refused."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from rathaus.cases.attachments import AttachmentError, content_check
from rathaus.cases.constants import AttachmentErrorCode
from rathaus.cases.models import AttachmentKind

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"xref\n0 3\n0000000000 65535 f \ntrailer<</Size 3/Root 1 0 R>>\nstartxref\n9\n%%EOF\n"
)
HUGE = str(200 * 1024 * 1024)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (
            PDF.replace(b"/Type/Catalog", b"/Type/Catalog/Names<</EmbeddedFiles 3 0 R>>"),
            AttachmentErrorCode.EMBEDDED_FILES,
        ),
        (
            PDF.replace(b"/Type/Pages", b"/Type/Pages/Annots[<</Subtype/FileAttachment>>]"),
            AttachmentErrorCode.EMBEDDED_FILES,
        ),
        (
            PDF.replace(b"/Type/Catalog", b"/Type/Catalog/Names<</Embedded#46iles 3 0 R>>"),
            AttachmentErrorCode.EMBEDDED_FILES,
        ),
        (
            PDF.replace(b"%PDF-1.4\n", b"%PDF-1.4\n<html><body><script>alert(1)</script>\n"),
            AttachmentErrorCode.ACTIVE_CONTENT,
        ),
        (PDF + b"<!DOCTYPE html><svg onload=alert(1)>", AttachmentErrorCode.ACTIVE_CONTENT),
    ],
)
def test_pdfs_with_embedded_files_or_markup_are_refused(data, code):
    with pytest.raises(AttachmentError) as refused:
        content_check(data)
    assert refused.value.code == code


def test_a_plain_pdf_is_still_accepted():
    assert content_check(PDF) == (AttachmentKind.PDF, PDF)


@pytest.mark.django_db
def test_huge_body_is_refused_from_its_content_length_before_reading(nor_client, norderstedt):
    # The test client's body holds a few bytes only: reading past them would fail the test.
    response = nor_client.post(
        "/konto/anmelden/", data=b"x", content_type="text/plain", CONTENT_LENGTH=HUGE
    )
    assert response.status_code == 413
    assert response["Connection"] == "close"
    assert "Die Anfrage ist zu groß" in response.content.decode()


@pytest.mark.django_db
def test_huge_api_body_is_refused_as_a_json_problem(nor_client, norderstedt):
    response = nor_client.post(
        "/api/v1/bookings", data=b"{}", content_type="application/json", CONTENT_LENGTH=HUGE
    )
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


def test_upload_stream_is_cut_off_past_the_limit(settings):
    settings.RATHAUS_MAX_REQUEST_BYTES = 1000
    big = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n" + b"0" * 5000)
    request = RequestFactory().post("/", {"file": big, "note": "x"})
    assert "file" not in request.FILES


def test_the_demo_says_when_it_has_no_virus_scanner(settings):
    from rathaus.core.demo import demo_logins_text

    settings.CLAMD_SOCKET = ""
    assert "No virus scanner" in demo_logins_text(host="localhost", port="8000")
    settings.CLAMD_SOCKET = "/run/clamav/clamd.ctl"
    assert "No virus scanner" not in demo_logins_text(host="localhost", port="8000")
