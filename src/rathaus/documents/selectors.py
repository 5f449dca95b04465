"""Reads of issued documents. Every query names the municipality; unknown and "not yours": 404."""

from __future__ import annotations

import hashlib
import hmac
import re

from django.http import Http404

from rathaus.core.storage import encrypted_file_read

from .models import IssuedDocument

CODE_CHARS = re.compile(r"[^A-Z2-7]")


def code_normalise(code: str) -> str:
    """Upper case without spaces or dashes (codes may be typed as ABCD-EFGH-…)."""
    return CODE_CHARS.sub("", (code or "").upper())


def code_display(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def issued_document_content(*, document: IssuedDocument) -> bytes:
    return encrypted_file_read(document.storage_name)


def issued_document_format(*, content: bytes) -> tuple[str, str]:
    """(media type, file extension) of an issued document's bytes: a PDF, or the JSON of a
    §18a Meldedatensatz."""
    if content.lstrip()[:1] == b"{":
        return "application/json", "json"
    return "application/pdf", "pdf"


def verification_get(*, municipality, code: str) -> IssuedDocument:
    """The document a verification code belongs to, issued by ``municipality``; else 404."""
    normalised = code_normalise(code)
    if not normalised:
        raise Http404
    document = IssuedDocument.objects.filter(
        municipality=municipality, verification_code=normalised
    ).first()
    if document is None:
        raise Http404
    return document


def document_hash_matches(*, document: IssuedDocument, data: bytes) -> bool:
    """True when ``data`` is byte for byte the PDF that was issued."""
    return hmac.compare_digest(hashlib.sha256(data).hexdigest(), document.sha256)
