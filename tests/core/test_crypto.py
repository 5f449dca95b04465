import base64

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from rathaus.core import crypto

OLD_KEY = "old:" + base64.b64encode(b"o" * 32).decode()
NEW_KEY = "new:" + base64.b64encode(b"n" * 32).decode()
PLACE = b"table\x00column\x00row"


def test_round_trip_of_text_with_umlauts():
    token = crypto.encrypt_text("Jürgen Müller-Lüdenscheidt", associated_data=PLACE)
    assert "Jürgen" not in token
    assert crypto.decrypt_text(token, associated_data=PLACE) == "Jürgen Müller-Lüdenscheidt"


def test_same_plaintext_gives_different_ciphertexts():
    assert crypto.encrypt_text("Anna", associated_data=PLACE) != crypto.encrypt_text(
        "Anna", associated_data=PLACE
    )


def test_ciphertext_names_the_primary_key():
    token = crypto.encrypt_text("Anna", associated_data=PLACE)
    assert crypto.key_id_of(token) == "t1"
    assert token.startswith("t1$")


def _flip_one_byte(token: str) -> str:
    key_id, _, payload = token.partition("$")
    raw = bytearray(base64.b64decode(payload))
    raw[-1] ^= 0x01
    return f"{key_id}${base64.b64encode(bytes(raw)).decode()}"


def test_tampered_ciphertext_is_refused():
    token = crypto.encrypt_text("Anna", associated_data=PLACE)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(_flip_one_byte(token), associated_data=PLACE)


@pytest.mark.parametrize("token", ["", "t1", "t1$", "t1$not-base64!!", "zz$AAAA", "plain text"])
def test_garbage_is_refused(token):
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(token, associated_data=PLACE)


def test_associated_data_binds_the_ciphertext():
    token = crypto.encrypt_bytes(b"secret", associated_data=b"user:1")
    assert crypto.decrypt_bytes(token, associated_data=b"user:1") == b"secret"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_bytes(token, associated_data=b"user:2")


def test_key_rotation_old_key_still_decrypts_new_key_encrypts():
    with override_settings(RATHAUS_ENCRYPTION_KEYS=OLD_KEY):
        old_token = crypto.encrypt_text("Anna", associated_data=PLACE)
    with override_settings(RATHAUS_ENCRYPTION_KEYS=f"{NEW_KEY},{OLD_KEY}"):
        assert crypto.decrypt_text(old_token, associated_data=PLACE) == "Anna"
        new_token = crypto.encrypt_text("Anna", associated_data=PLACE)
        assert crypto.key_id_of(new_token) == "new"
    # Once the old key is removed, its ciphertexts can no longer be read.
    with override_settings(RATHAUS_ENCRYPTION_KEYS=NEW_KEY), pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(old_token, associated_data=PLACE)


@pytest.mark.parametrize(
    "spec",
    ["", " , ", "nokey", "k1:" + base64.b64encode(b"short").decode(), "a$b:" + NEW_KEY[4:]],
)
def test_bad_key_configuration_is_refused(spec):
    with override_settings(RATHAUS_ENCRYPTION_KEYS=spec), pytest.raises(ImproperlyConfigured):
        crypto.encrypt_text("x", associated_data=PLACE)


def test_blind_index_normalises_case_space_and_unicode_form():
    base = crypto.blind_index("Anna.Schmidt@Example.org", purpose="email")
    assert crypto.blind_index("  anna.schmidt@example.ORG ", purpose="email") == base
    # NFC and NFD spellings of "ü" hash alike.
    assert crypto.blind_index("M\u00fcller", purpose="name") == crypto.blind_index(
        "Mu\u0308ller", purpose="name"
    )
    assert crypto.blind_index("Anna  Maria", purpose="name") == crypto.blind_index(
        "anna maria", purpose="name"
    )


def test_blind_index_separates_purposes_and_values():
    assert crypto.blind_index("x", purpose="email") != crypto.blind_index("x", purpose="phone")
    assert crypto.blind_index("anna", purpose="name") != crypto.blind_index("anne", purpose="name")


def test_blind_index_depends_on_the_hash_key():
    first = crypto.blind_index("anna", purpose="name")
    with override_settings(RATHAUS_HASH_KEY="another-key"):
        assert crypto.blind_index("anna", purpose="name") != first
    assert len(first) == 64 and "anna" not in first


def test_blind_index_without_key_is_refused():
    with override_settings(RATHAUS_HASH_KEY=""), pytest.raises(ImproperlyConfigured):
        crypto.blind_index("anna", purpose="name")
