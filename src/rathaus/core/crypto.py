"""Authenticated encryption of personal data at rest, and keyed hashes for exact-match lookups.

Keys come from settings (environment): ``RATHAUS_ENCRYPTION_KEYS`` is a comma-separated list of
``keyid:base64(32 bytes)``; the first key encrypts, every listed key decrypts, so a key can be
rotated by putting the new key first and running ``manage.py rotate_encryption_keys``.
A ciphertext is ``<keyid>$<base64(nonce || AES-256-GCM(ciphertext || tag))>``.

The associated data says where a ciphertext belongs (for a column value: table, column and row,
see ``core.fields``); decryption with other associated data fails, so a ciphertext moved to another
place is refused instead of read.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

NONCE_BYTES = 12


class DecryptionError(Exception):
    """The stored value is not a ciphertext of any configured key, or it was tampered with."""


@dataclass(frozen=True)
class Keyring:
    primary_id: str
    keys: dict[str, AESGCM]


@lru_cache(maxsize=4)
def keyring_parse(spec: str) -> Keyring:
    """The keys of a ``RATHAUS_ENCRYPTION_KEYS`` value; ImproperlyConfigured when malformed."""
    keys: dict[str, AESGCM] = {}
    primary = ""
    for item in (part.strip() for part in spec.split(",")):
        if not item:
            continue
        key_id, sep, encoded = item.partition(":")
        if not sep or not key_id or "$" in key_id:
            raise ImproperlyConfigured("RATHAUS_ENCRYPTION_KEYS entries must be 'keyid:base64key'.")
        raw = base64.b64decode(encoded)
        if len(raw) != 32:
            raise ImproperlyConfigured(f"Encryption key {key_id!r} must be 32 bytes.")
        keys[key_id] = AESGCM(raw)
        primary = primary or key_id
    if not keys:
        raise ImproperlyConfigured(
            "RATHAUS_ENCRYPTION_KEYS is empty: personal data cannot be stored."
        )
    return Keyring(primary_id=primary, keys=keys)


def keyring() -> Keyring:
    return keyring_parse(settings.RATHAUS_ENCRYPTION_KEYS)


def encrypt_bytes(plaintext: bytes, *, associated_data: bytes = b"") -> str:
    ring = keyring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = ring.keys[ring.primary_id].encrypt(nonce, plaintext, associated_data or None)
    return f"{ring.primary_id}${base64.b64encode(nonce + sealed).decode('ascii')}"


def decrypt_bytes(token: str, *, associated_data: bytes = b"") -> bytes:
    key_id, sep, payload = token.partition("$")
    key = keyring().keys.get(key_id)
    if not sep or key is None:
        raise DecryptionError("unknown key id")
    try:
        raw = base64.b64decode(payload)
        return key.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], associated_data or None)
    except Exception as exc:  # InvalidTag, binascii errors
        raise DecryptionError("ciphertext does not verify") from exc


def encrypt_text(value: str, *, associated_data: bytes) -> str:
    return encrypt_bytes(value.encode("utf-8"), associated_data=associated_data)


def decrypt_text(token: str, *, associated_data: bytes) -> str:
    return decrypt_bytes(token, associated_data=associated_data).decode("utf-8")


def key_id_of(token: str) -> str:
    return token.partition("$")[0]


def normalize_for_lookup(value: str) -> str:
    """Case-, space- and Unicode-form-insensitive form used before hashing for exact matches."""
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())


def blind_index(value: str, *, purpose: str) -> str:
    """Keyed hash (HMAC-SHA256) of a normalised value; ``purpose`` separates the hash spaces."""
    if not settings.RATHAUS_HASH_KEY:
        raise ImproperlyConfigured("RATHAUS_HASH_KEY is empty.")
    message = f"{purpose}\x00{normalize_for_lookup(value)}".encode()
    return hmac.new(settings.RATHAUS_HASH_KEY.encode(), message, hashlib.sha256).hexdigest()
