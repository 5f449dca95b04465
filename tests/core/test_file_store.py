"""The encrypted file store (core.storage) on disk and in the database: the same behaviour."""

import pytest
from django.db import connection, transaction

from rathaus.core import crypto
from rathaus.core.models import StoredFile
from rathaus.core.storage import (
    encrypted_file_delete,
    encrypted_file_exists,
    encrypted_file_read,
    encrypted_file_write,
    encrypted_files_older_than,
)

pytestmark = pytest.mark.django_db
CONTENT = b"%PDF-1.7 Mietvertrag Erika Mustermann"


@pytest.fixture(params=["filesystem", "database"])
def store(request, settings, tmp_path):
    settings.RATHAUS_FILE_STORE = request.param
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return request.param


def test_written_read_and_deleted(store):
    name = encrypted_file_write(data=CONTENT, folder="attachments")
    assert encrypted_file_exists(name)
    assert encrypted_file_read(name) == CONTENT
    encrypted_file_delete(name)
    assert not encrypted_file_exists(name)
    with pytest.raises(FileNotFoundError):
        encrypted_file_read(name)


def test_a_ciphertext_under_another_name_does_not_decrypt(store, settings):
    first = encrypted_file_write(data=CONTENT, folder="attachments")
    second = encrypted_file_write(data=b"other", folder="attachments")
    if store == "database":
        ciphertext = StoredFile.objects.get(name=first).ciphertext
        StoredFile.objects.filter(name=second).update(ciphertext=ciphertext)
    else:
        root = settings.PRIVATE_STORAGE_ROOT
        (root / second).write_bytes((root / first).read_bytes())
    with pytest.raises(crypto.DecryptionError):
        encrypted_file_read(second)


def test_old_files_are_listed_for_the_orphan_sweep(store):
    name = encrypted_file_write(data=CONTENT, folder="documents")
    assert encrypted_files_older_than(3600) == []
    assert (name, True) in encrypted_files_older_than(-1)


def test_in_the_database_no_clear_text_and_gone_with_its_transaction(settings):
    settings.RATHAUS_FILE_STORE = "database"
    with pytest.raises(RuntimeError), transaction.atomic():
        rolled_back = encrypted_file_write(data=CONTENT, folder="attachments")
        raise RuntimeError("the row naming the file was not written")
    assert not encrypted_file_exists(rolled_back)
    name = encrypted_file_write(data=CONTENT, folder="attachments")
    with connection.cursor() as cursor:
        cursor.execute("SELECT ciphertext FROM core_storedfile WHERE name = %s", [name])
        stored = bytes(cursor.fetchone()[0])
    assert stored.startswith(b"t1$")
    assert b"Mustermann" not in stored


def test_an_unknown_store_is_refused(settings):
    from django.core.exceptions import ImproperlyConfigured  # only this test needs it

    settings.RATHAUS_FILE_STORE = "s3"
    with pytest.raises(ImproperlyConfigured, match="filesystem, database"):
        encrypted_file_write(data=CONTENT, folder="attachments")
