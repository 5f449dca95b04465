"""Attachments: recognised by content, cleaned, encrypted on disk, served after an access check."""

import io
import re
import socket
import struct
import tempfile
import threading
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from rathaus.cases import services
from rathaus.cases.attachments import (
    EICAR,
    AttachmentError,
    ClamdScanner,
    content_check,
    scanner_get,
)
from rathaus.cases.constants import AttachmentErrorCode
from rathaus.cases.models import Attachment, Case
from rathaus.cases.plugin import procedure_get
from rathaus.core.audit import AuditEvent
from rathaus.core.storage import encrypted_file_read

from .conftest import GENERAL, draft_make, submitted_make

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"xref\n0 3\n0000000000 65535 f \ntrailer<</Size 3/Root 1 0 R>>\nstartxref\n9\n%%EOF\n"
)


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    settings.ATTACHMENT_SCANNER = ""
    settings.CLAMD_SOCKET = ""
    return settings.PRIVATE_STORAGE_ROOT


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "Quastenflosser Kamera"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (53.0, 42.0, 7.0)
    gps[3], gps[4] = "E", (9.0, 59.0, 11.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def png_with_text() -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "Erika Mustermann")
    out = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 255, 128)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


# --- content checks --------------------------------------------------------------------------
def test_pdf_is_accepted_unchanged():
    assert content_check(PDF) == ("application/pdf", PDF)


def test_jpeg_is_re_encoded_without_exif_and_gps():
    original = jpeg_with_gps()
    assert b"Quastenflosser" in original
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(0x8825)
    kind, clean = content_check(original)
    assert kind == "image/jpeg"
    assert b"Quastenflosser" not in clean and b"Exif" not in clean
    with Image.open(io.BytesIO(clean)) as after:
        assert after.format == "JPEG" and after.size == (40, 30)
        assert not after.getexif() and "exif" not in after.info


def test_png_is_re_encoded_without_text_chunks():
    original = png_with_text()
    assert b"Erika Mustermann" in original
    kind, clean = content_check(original)
    assert kind == "image/png"
    assert b"Erika Mustermann" not in clean and b"tEXt" not in clean
    with Image.open(io.BytesIO(clean)) as after:
        assert after.mode == "RGBA" and after.getpixel((0, 0)) == (0, 0, 255, 128)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", AttachmentErrorCode.EMPTY),
        (b"MZ\x90\x00 an executable", AttachmentErrorCode.UNSUPPORTED_TYPE),
        (b"<html><script>alert(1)</script></html>", AttachmentErrorCode.UNSUPPORTED_TYPE),
        (b"GIF89a" + b"\x00" * 20, AttachmentErrorCode.UNSUPPORTED_TYPE),
        (b"%PDF-1.4\nno trailer at all", AttachmentErrorCode.DAMAGED),
        (b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, AttachmentErrorCode.DAMAGED),
        (b"\xff\xd8\xff\xe0" + b"garbage" * 10, AttachmentErrorCode.DAMAGED),
        (
            PDF.replace(b"/Type/Catalog", b"/Type/Catalog/OpenAction<</S/JavaScript/JS(x)>>"),
            AttachmentErrorCode.ACTIVE_CONTENT,
        ),
        (PDF.replace(b"/Type/Catalog", b"/Type/Catalog/AA<</S/Java#53cript>>"), "active_content"),
    ],
)
def test_content_check_refuses(data, code):
    with pytest.raises(AttachmentError) as refused:
        content_check(data)
    assert refused.value.code == code


# --- service ---------------------------------------------------------------------------------
def test_content_not_matching_the_name_is_refused(norderstedt, citizen):
    case = draft_make(municipality=norderstedt, actor=citizen)
    png = png_with_text()
    for name, data in [("bescheid.pdf", png), ("foto.jpg", png), ("scan.png", PDF)]:
        with pytest.raises(AttachmentError) as refused:
            services.attachment_add(case=case, upload=upload(name, data), actor=citizen)
        assert refused.value.code == AttachmentErrorCode.TYPE_MISMATCH
    # An executable is refused whatever it is called.
    with pytest.raises(AttachmentError) as refused:
        services.attachment_add(case=case, upload=upload("brief.pdf", b"MZ\x90"), actor=citizen)
    assert refused.value.code == AttachmentErrorCode.UNSUPPORTED_TYPE
    assert not Attachment.objects.exists()


def test_attachment_is_encrypted_on_disk_with_a_random_name(norderstedt, citizen, private_root):
    case = draft_make(municipality=norderstedt, actor=citizen)
    attachment = services.attachment_add(
        case=case, upload=upload("Mietvertrag Erika.pdf", PDF), actor=citizen
    )
    assert attachment.original_name == "Mietvertrag Erika.pdf"
    assert attachment.content_type == "application/pdf"
    path = Path(private_root) / attachment.storage_name
    on_disk = path.read_bytes()
    assert b"%PDF" not in on_disk and b"Catalog" not in on_disk
    assert "Erika" not in attachment.storage_name and "Mietvertrag" not in str(path)
    assert encrypted_file_read(attachment.storage_name) == PDF
    # The original name is encrypted in the database too.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT original_name FROM cases_attachment WHERE id = %s", [attachment.pk])
        raw = cursor.fetchone()[0]
    assert "Mietvertrag" not in raw
    event = AuditEvent.objects.get(action="case.attachment_added")
    assert "Mietvertrag" not in str(event.data)


def test_name_without_extension_gets_one_from_the_content(norderstedt, citizen):
    case = draft_make(municipality=norderstedt, actor=citizen)
    attachment = services.attachment_add(
        case=case, upload=upload("../../etc/scan", jpeg_with_gps()), actor=citizen
    )
    assert attachment.original_name == "scan.jpg"


def test_size_and_count_limits_come_from_the_procedure(
    norderstedt, citizen, general, procedure_variant
):
    case = draft_make(municipality=norderstedt, actor=citizen)
    procedure_variant(general.key, attachment_max_bytes=len(PDF) - 1)
    with pytest.raises(AttachmentError) as refused:
        services.attachment_add(case=case, upload=upload("a.pdf", PDF), actor=citizen)
    assert refused.value.code == AttachmentErrorCode.TOO_LARGE
    assert "Bytes" in refused.value.message or "bytes" in refused.value.message
    procedure_variant(general.key, attachment_max_bytes=10_000, attachment_max_count=2)
    services.attachment_add(case=case, upload=upload("a.pdf", PDF), actor=citizen)
    services.attachment_add(case=case, upload=upload("b.pdf", PDF), actor=citizen)
    with pytest.raises(AttachmentError) as refused:
        services.attachment_add(case=case, upload=upload("c.pdf", PDF), actor=citizen)
    assert refused.value.code == AttachmentErrorCode.TOO_MANY
    assert Attachment.objects.filter(case=case).count() == 2


def test_only_the_owner_or_staff_may_add_files(norderstedt, citizen, other_citizen, clerk):
    draft = draft_make(municipality=norderstedt, actor=citizen)
    for actor in (other_citizen, clerk, None):
        with pytest.raises(AttachmentError) as refused:
            services.attachment_add(case=draft, upload=upload("a.pdf", PDF), actor=actor)
        assert refused.value.code == AttachmentErrorCode.NOT_PERMITTED
    anonymous_draft = draft_make(municipality=norderstedt, owner_token="tok")
    services.attachment_add(
        case=anonymous_draft, upload=upload("a.pdf", PDF), actor=None, owner_token="tok"
    )
    submitted = submitted_make(municipality=norderstedt, actor=citizen)
    with pytest.raises(AttachmentError):
        services.attachment_add(case=submitted, upload=upload("a.pdf", PDF), actor=other_citizen)
    staff_file = services.attachment_add(case=submitted, upload=upload("a.pdf", PDF), actor=clerk)
    assert staff_file.uploader_role == "staff"


# --- virus scanning --------------------------------------------------------------------------
def test_eicar_is_refused_by_the_test_scanner(norderstedt, citizen, settings):
    settings.ATTACHMENT_SCANNER = "rathaus.cases.attachments.EicarTestScanner"
    case = draft_make(municipality=norderstedt, actor=citizen)
    infected = PDF.replace(b"%%EOF", b"% " + EICAR + b"\n%%EOF")
    with pytest.raises(AttachmentError) as refused:
        services.attachment_add(case=case, upload=upload("a.pdf", infected), actor=citizen)
    assert refused.value.code == AttachmentErrorCode.INFECTED
    assert not Attachment.objects.exists()
    assert services.attachment_add(case=case, upload=upload("a.pdf", PDF), actor=citizen)


class FakeClamd:
    """A clamd speaking INSTREAM on a Unix socket, flagging EICAR."""

    def __init__(self, path: str):
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(path)
        self.server.listen(1)
        self.commands = []
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                buffer = b""
                while b"\0" not in buffer:
                    buffer += conn.recv(1)
                self.commands.append(buffer)
                data = b""
                while True:
                    size = struct.unpack("!L", self._read(conn, 4))[0]
                    if size == 0:
                        break
                    data += self._read(conn, size)
                found = b"stream: Eicar-Signature FOUND\0" if EICAR in data else b"stream: OK\0"
                conn.sendall(found)

    @staticmethod
    def _read(conn, size):
        chunk = b""
        while len(chunk) < size:
            chunk += conn.recv(size - len(chunk))
        return chunk

    def close(self):
        self.server.close()


def test_clamd_scanner_speaks_instream(settings):
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "clamd.sock")
        fake = FakeClamd(path)
        try:
            settings.CLAMD_SOCKET = path
            scanner = scanner_get()
            assert isinstance(scanner, ClamdScanner)
            assert scanner.scan(PDF).infected is False
            result = scanner.scan(b"x" * 70_000 + EICAR)  # more than one chunk
            assert result.infected and result.signature == "Eicar-Signature"
            assert fake.commands[0] == b"zINSTREAM\0"
        finally:
            fake.close()


def test_unreachable_clamd_refuses_the_upload(norderstedt, citizen, settings, tmp_path):
    settings.CLAMD_SOCKET = str(tmp_path / "missing.sock")
    case = draft_make(municipality=norderstedt, actor=citizen)
    with pytest.raises(AttachmentError) as refused:
        services.attachment_add(case=case, upload=upload("a.pdf", PDF), actor=citizen)
    assert refused.value.code == AttachmentErrorCode.SCAN_FAILED


# --- journey and download ----------------------------------------------------------------------
def _journey_to_file_page(client):
    response = client.post(reverse("cases:start", args=[GENERAL]))
    case = Case.objects.latest("pk")
    page = reverse("cases:page", args=[GENERAL, case.public_id, "anliegen"])
    response = client.post(page, {"subject": "Laterne", "message": "Dunkel.", "add_file": "on"})
    assert response.status_code == 302 and response.url.endswith("/anhang/")
    return case, response.url


def test_journey_with_a_file_lists_it_on_the_check_page(nor_client, norderstedt, citizen, settings):
    settings.ATTACHMENT_SCANNER = "rathaus.cases.attachments.EicarTestScanner"
    nor_client.force_login(citizen)
    case, file_url = _journey_to_file_page(nor_client)
    page = nor_client.get(file_url)
    html = page.content.decode()
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in html
    assert re.search(r'<label class="kern-label" for="id_attachment">', html)
    # The citizen chose to add a file: it is needed, so not labelled "optional".
    assert "kern-label__optional" not in html
    assert page.context["field"].field.required

    # Nothing chosen: an error summary and the title prefix.
    refused = nor_client.post(file_url, {})
    assert refused.status_code == 200 and "Fehler:" in refused.content.decode()

    # A virus: refused with a clear message, nothing stored.
    infected = upload("brief.pdf", PDF.replace(b"%%EOF", b"%" + EICAR + b"\n%%EOF"))
    refused = nor_client.post(file_url, {"attachment": infected})
    assert refused.status_code == 200
    assert "Virus" in refused.content.decode() and not Attachment.objects.exists()

    # A mislabelled file: refused.
    refused = nor_client.post(file_url, {"attachment": upload("foto.jpg", PDF)})
    assert refused.status_code == 200 and not Attachment.objects.exists()

    response = nor_client.post(
        file_url, {"attachment": upload("Foto Laterne.jpg", jpeg_with_gps())}
    )
    assert response.status_code == 302 and "/kontakt/" in response.url
    # With a file stored, choosing another one is optional.
    assert "kern-label__optional" in nor_client.get(file_url).content.decode()
    # Replacing keeps one file for the page.
    nor_client.post(file_url, {"attachment": upload("Foto2.png", png_with_text())})
    assert Attachment.objects.filter(case=case).count() == 1
    nor_client.post(
        reverse("cases:page", args=[GENERAL, case.public_id, "kontakt"]),
        {"contact_preference": "post"},
    )
    nor_client.post(
        reverse("cases:page", args=[GENERAL, case.public_id, "anschrift"]),
        {"street": "Rathausallee 12", "postal_code": "22846", "city": "Norderstedt"},
    )
    nor_client.post(
        reverse("cases:page", args=[GENERAL, case.public_id, "angaben"]),
        {"applicant_name": "Erika Mustermann"},
    )
    check = nor_client.get(reverse("cases:check", args=[GENERAL, case.public_id]))
    assert check.status_code == 200 and "Foto2.png" in check.content.decode()
    case.refresh_from_db()
    nor_client.post(
        reverse("cases:check", args=[GENERAL, case.public_id]),
        {"idempotency_key": case.idempotency_key, "declaration": "on"},
    )
    case.refresh_from_db()
    attachment = Attachment.objects.get(case=case)
    detail = nor_client.get(reverse("cases:case_detail", args=[case.reference]))
    url = reverse("cases:attachment_download", args=[case.reference, attachment.public_id])
    assert url in detail.content.decode()
    download = nor_client.get(url)
    assert download.status_code == 200 and download["Content-Type"] == "image/png"
    assert download["Cache-Control"] == "private, no-store"
    assert "Foto2.png" in download["Content-Disposition"]
    assert download.content.startswith(b"\x89PNG") and b"Erika" not in download.content


def test_unticking_add_file_drops_the_file_on_submit(norderstedt, citizen, general):
    case = draft_make(municipality=norderstedt, actor=citizen)
    services.attachment_add(
        case=case, upload=upload("a.pdf", PDF), actor=citizen, page_slug="anhang"
    )
    case, _ = services.case_submit(case=case, actor=citizen, idempotency_key=case.idempotency_key)
    assert not Attachment.objects.filter(case=case).exists()


def test_attachment_download_is_404_for_everyone_else(
    client, norderstedt, reinbek, citizen, other_citizen, rei_clerk, clerk
):
    case = submitted_make(municipality=norderstedt, actor=citizen)
    attachment = services.attachment_add(case=case, upload=upload("a.pdf", PDF), actor=citizen)
    url = reverse("cases:attachment_download", args=[case.reference, attachment.public_id])
    nor = {"HTTP_HOST": "norderstedt.localhost"}
    rei = {"HTTP_HOST": "reinbek.localhost"}
    assert client.get(url, **nor).status_code == 404  # anonymous
    client.force_login(other_citizen)
    assert client.get(url, **nor).status_code == 404
    client.force_login(rei_clerk)
    assert client.get(url, **rei).status_code == 404
    assert client.get(url, **nor).status_code == 404
    client.force_login(citizen)
    assert client.get(url, **rei).status_code == 404  # the other town's host
    other = reverse("cases:attachment_download", args=[case.reference, case.public_id])
    assert client.get(other, **nor).status_code == 404  # unknown file id
    assert client.get(url, **nor).content == PDF
    # The town's own clerk reads files through the back office, where the read is logged.
    client.force_login(clerk)
    assert client.get(url, **nor).status_code == 404


# --- Postfach ----------------------------------------------------------------------------------
def test_postfach_message_with_a_file(client, norderstedt, citizen, other_citizen, settings):
    settings.ATTACHMENT_SCANNER = "rathaus.cases.attachments.EicarTestScanner"
    case = submitted_make(municipality=norderstedt, actor=citizen)
    url = reverse("cases:case_detail", args=[case.reference])
    nor = {"HTTP_HOST": "norderstedt.localhost"}
    client.force_login(citizen)
    page = client.get(url, **nor).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'for="id_attachment"' in page

    # A refused file sends nothing: no message, no file.
    infected = upload("brief.pdf", PDF.replace(b"%%EOF", b"%" + EICAR + b"\n%%EOF"))
    refused = client.post(url, {"body": "Anbei der Brief.", "attachment": infected}, **nor)
    assert refused.status_code == 200 and "Fehler:" in refused.content.decode()
    assert not case.messages.exists() and not Attachment.objects.exists()

    sent = client.post(url, {"body": "Anbei der Brief.", "attachment": upload("b.pdf", PDF)}, **nor)
    assert sent.status_code == 302
    attachment = Attachment.objects.get(case=case)
    assert attachment.message == case.messages.get()
    download = reverse("cases:attachment_download", args=[case.reference, attachment.public_id])
    assert download in client.get(url, **nor).content.decode()
    assert client.get(download, **nor).content == PDF
    # A message without a file still works.
    assert client.post(url, {"body": "Noch etwas."}, **nor).status_code == 302
    client.force_login(other_citizen)
    assert client.get(download, **nor).status_code == 404


def test_a_procedure_without_file_pages_is_not_searched_for_page_files(norderstedt, citizen):
    case = draft_make(municipality=norderstedt, actor=citizen)
    procedure = procedure_get("meldebescheinigung")  # its pages ask for no file
    with CaptureQueriesContext(connection) as queries:
        removed = services.attachments_of_skipped_pages_remove(case=case, procedure=procedure)
    assert removed == 0 and len(queries) == 0
