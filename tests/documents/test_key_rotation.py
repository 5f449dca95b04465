"""Key rotation re-encrypts the files on disk (attachments and issued documents) too."""

import base64
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from rathaus.cases.selectors import attachment_content
from rathaus.cases.services import attachment_add
from rathaus.cases.services import case_document_issue as document_issue
from rathaus.core.storage import encrypted_file_key_id
from rathaus.documents.selectors import issued_document_content
from tests.cases.test_attachments import PDF

OLD = "t1:dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktMTIzNDU="
NEW = "t2:" + base64.b64encode(b"n" * 32).decode()


@pytest.mark.parametrize("store", ["filesystem", "database"])
def test_rotation_re_encrypts_files_and_names(settings, case, citizen, clerk, store):
    settings.RATHAUS_FILE_STORE = store
    settings.RATHAUS_ENCRYPTION_KEYS = OLD
    attachment = attachment_add(
        case=case, upload=SimpleUploadedFile("Mietvertrag.pdf", PDF), actor=citizen
    )
    document = document_issue(case=case, document_type="reply_letter", actor=clerk)
    pdf = issued_document_content(document=document)
    assert encrypted_file_key_id(attachment.storage_name) == "t1"

    settings.RATHAUS_ENCRYPTION_KEYS = f"{NEW},{OLD}"
    out = StringIO()
    call_command("rotate_file_encryption_keys", "--dry-run", stdout=out)
    assert "2 file(s) need re-encryption" in out.getvalue()
    call_command("rotate_file_encryption_keys", stdout=out)
    call_command("rotate_encryption_keys", stdout=out)  # the columns, incl. the file name
    assert encrypted_file_key_id(attachment.storage_name) == "t2"
    assert encrypted_file_key_id(document.storage_name) == "t2"

    # Without the old key everything still reads.
    settings.RATHAUS_ENCRYPTION_KEYS = NEW
    attachment.refresh_from_db()
    assert attachment.original_name == "Mietvertrag.pdf"
    assert attachment_content(attachment=attachment) == PDF
    assert issued_document_content(document=document) == pdf
    out = StringIO()
    call_command("rotate_file_encryption_keys", stdout=out)
    assert "0 file(s) re-encrypted" in out.getvalue()
