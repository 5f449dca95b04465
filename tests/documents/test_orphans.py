"""Encrypted files that no row names any more are swept once a day; nothing else is touched."""

import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rathaus.cases import services
from rathaus.cases import services as case_services
from rathaus.core.storage import encrypted_file_exists, encrypted_file_write
from tests.cases.test_attachments import PDF

pytestmark = pytest.mark.django_db
DAY = 24 * 3600


def age(private_root, storage_name: str, seconds: float) -> None:
    path = private_root / storage_name
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_old_unnamed_files_and_crashed_writes_go_kept_files_stay(private_root, case, citizen):
    attachment = case_services.attachment_add(
        case=case,
        upload=SimpleUploadedFile("brief.pdf", PDF, content_type="application/pdf"),
        actor=citizen,
    )
    orphan = encrypted_file_write(data=b"no row was ever written", folder="attachments")
    recent_orphan = encrypted_file_write(data=b"a write still in progress", folder="documents")
    crashed = private_root / "documents" / ".0123abcd.5678.tmp"
    crashed.write_bytes(b"half")
    for name in (attachment.storage_name, orphan, "documents/.0123abcd.5678.tmp"):
        age(private_root, name, 2 * DAY)

    assert services.orphaned_files_delete() == {"files": 1, "temporary": 1}
    assert not encrypted_file_exists(orphan)
    assert not crashed.exists()
    assert encrypted_file_exists(attachment.storage_name)  # its row names it
    assert encrypted_file_exists(recent_orphan)  # within the grace period
    assert services.orphaned_files_delete() == {"files": 0, "temporary": 0}


def test_nothing_to_do_without_a_private_folder(private_root):
    assert not private_root.exists()
    assert services.orphaned_files_delete() == {"files": 0, "temporary": 0}
