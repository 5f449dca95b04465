"""Writes of the documents app: rendering, storing and registering verifiable PDFs.

Which document a case gets, and with which data, is the case engine's and the procedure's
business (``cases.services.case_document_issue``); this module only turns a document type and
its chosen data into a stored, verifiable PDF.
"""

from __future__ import annotations

import base64
import hashlib
import secrets

from django.db import IntegrityError
from django.utils import timezone

from rathaus.core.audit import audit_event_record
from rathaus.core.storage import atomic_with_files, encrypted_file_write

from .models import IssuedDocument
from .rendering import pdf_render, qr_data_uri, verification_url
from .selectors import code_display
from .types import DocumentType


def verification_code_new() -> str:
    """16 characters of base32 from 10 random bytes (80 bits): unguessable, easy to type."""
    return base64.b32encode(secrets.token_bytes(10)).decode("ascii")


def document_store(*, case, kind: DocumentType, data: dict, actor) -> IssuedDocument:
    """Render ``kind`` with ``data``, store the PDF encrypted and register it for ``case``.

    The PDF carries its verification code and a QR code to ``/pruefen/<code>/``; its SHA-256
    is kept for the verification page. ``actor``: the staff member who issued it, or None for
    the system. The caller has checked who may issue what.
    """
    for attempt in range(3):
        try:
            return _store(case=case, kind=kind, data=data, actor=actor)
        except IntegrityError:  # a verification code collided (about 2^-80): draw a new one
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _store(*, case, kind: DocumentType, data: dict, actor) -> IssuedDocument:
    code = verification_code_new()
    issued_at = timezone.now()
    url = verification_url(municipality=case.municipality, code=code)
    title = str(kind.title)
    context = {
        **data,
        "title": title,
        "reference": case.reference,
        "issued_at": timezone.localtime(issued_at),
        "verification_code": code_display(code),
        "verification_url": url,
    }
    if kind.render is not None:
        pdf = kind.render({**context, "municipality": case.municipality})
    else:
        pdf = pdf_render(
            template=kind.template,
            context={**context, "qr_code": qr_data_uri(url)},
            municipality=case.municipality,
        )
    # The PDF's file goes with its row: a failure in this block deletes it again.
    with atomic_with_files():
        storage_name = encrypted_file_write(data=pdf, folder="documents")
        document = IssuedDocument(
            municipality_id=case.municipality_id,
            case=case,
            document_type=kind.key,
            title=title[:200],
            verification_code=code,
            sha256=hashlib.sha256(pdf).hexdigest(),
            size=len(pdf),
            storage_name=storage_name,
            issued_by=actor if actor is not None and actor.is_authenticated else None,
            issued_at=issued_at,
        )
        # Uniqueness is the database's to enforce: a colliding verification code raises the
        # IntegrityError that ``document_store`` answers with a new code.
        document.full_clean(
            exclude=["case", "municipality", "issued_by"],
            validate_unique=False,
            validate_constraints=False,
        )
        document.save()
        audit_event_record(
            action="document.issued",
            actor=actor,
            municipality=case.municipality,
            target=case,
            data={"document": document.pk, "type": kind.key},
        )
    return document
