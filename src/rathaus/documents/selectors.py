"""Reads of issued documents. Every query names the municipality; unknown and "not yours": 404."""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid

from django.db.models import QuerySet
from django.http import Http404

from rathaus.cases.selectors import access_case_by_reference

from .models import IssuedDocument
from .storage import encrypted_file_read

CODE_CHARS = re.compile(r"[^A-Z2-7]")


def code_normalise(code: str) -> str:
    """Upper case without spaces or dashes (codes may be typed as ABCD-EFGH-…)."""
    return CODE_CHARS.sub("", (code or "").upper())


def code_display(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def case_issued_documents(*, case) -> QuerySet[IssuedDocument]:
    return IssuedDocument.objects.filter(municipality=case.municipality_id, case=case)


def access_issued_document(*, actor, municipality, reference: str, public_id) -> IssuedDocument:
    """An issued document of a case the actor may see (``access_case_by_reference``); else 404."""
    case = access_case_by_reference(actor=actor, municipality=municipality, reference=reference)
    try:
        public_uuid = uuid.UUID(str(public_id))
    except ValueError as exc:
        raise Http404 from exc
    document = case_issued_documents(case=case).filter(public_id=public_uuid).first()
    if document is None:
        raise Http404
    return document


def issued_document_content(*, document: IssuedDocument) -> bytes:
    return encrypted_file_read(document.storage_name)


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


def issued_document_storage_names(*, case_ids) -> list[str]:
    return list(
        IssuedDocument.objects.filter(case_id__in=case_ids).values_list("storage_name", flat=True)
    )
