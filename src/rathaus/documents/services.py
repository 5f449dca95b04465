"""Writes of the documents app: issuing verifiable PDFs, rendering receipts."""

from __future__ import annotations

import base64
import hashlib
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.cases.constants import ActorRole, CaseStatus
from rathaus.cases.selectors import case_attachments
from rathaus.cases.services import actor_role_for_case
from rathaus.core.audit import audit_event_record
from rathaus.procedures.registry import procedure_get

from .constants import DOCUMENT_TYPES, DocumentErrorCode
from .errors import DocumentError
from .models import IssuedDocument
from .rendering import pdf_render, qr_svg_data_uri, verification_url
from .selectors import code_display
from .storage import encrypted_file_delete, encrypted_file_write


def verification_code_new() -> str:
    """16 characters of base32 from 10 random bytes (80 bits): unguessable, easy to type."""
    return base64.b32encode(secrets.token_bytes(10)).decode("ascii")


def receipt_render(*, case) -> bytes:
    """The Eingangsbestätigung: what was submitted, when, under which reference (not stored)."""
    procedure = procedure_get(case.procedure_key)
    rows = [(label, value) for _page, label, value in procedure.summary_rows(case.answers or {})]
    return pdf_render(
        template="documents/pdf/receipt.html",
        context={
            "title": _("Eingangsbestätigung"),
            "case": case,
            "procedure_title": str(procedure.title),
            "rows": rows,
            "attachments": [a.original_name for a in case_attachments(case=case)],
            "submitted_at": timezone.localtime(case.submitted_at) if case.submitted_at else None,
        },
        municipality=case.municipality,
    )


def document_issue(*, case, document_type: str, actor) -> IssuedDocument:
    """Render, store (encrypted) and register a verifiable PDF of ``document_type`` for ``case``.

    ``actor``: a staff member of the case's town (or ``None`` for the system). The procedure
    must declare the type in ``issuable_document_types``. The PDF carries its verification code
    and a QR code to ``/pruefen/<code>/``; its SHA-256 is kept for the verification page.
    """
    kind = DOCUMENT_TYPES.get(document_type)
    if kind is None:
        raise DocumentError(DocumentErrorCode.UNKNOWN_DOCUMENT_TYPE)
    procedure = procedure_get(case.procedure_key)
    if document_type not in procedure.issuable_document_types:
        raise DocumentError(DocumentErrorCode.NOT_ISSUABLE)
    if actor_role_for_case(actor=actor, case=case) not in (ActorRole.STAFF, ActorRole.SYSTEM):
        raise DocumentError(DocumentErrorCode.ACTOR_NOT_PERMITTED)
    if case.status == CaseStatus.DRAFT:
        raise DocumentError(DocumentErrorCode.CASE_NOT_SUBMITTED)
    for attempt in range(3):
        try:
            return _issue(case=case, kind=kind, procedure=procedure, actor=actor)
        except IntegrityError:  # a verification code collided (about 2^-80): draw a new one
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def _issue(*, case, kind, procedure, actor) -> IssuedDocument:
    code = verification_code_new()
    issued_at = timezone.now()
    url = verification_url(municipality=case.municipality, code=code)
    pdf = pdf_render(
        template=kind.template,
        context={
            "title": str(kind.title),
            "case": case,
            "procedure_title": str(procedure.title),
            "answers": case.answers or {},
            "issued_at": timezone.localtime(issued_at),
            "verification_code": code_display(code),
            "verification_url": url,
            "qr_code": qr_svg_data_uri(url),
        },
        municipality=case.municipality,
    )
    storage_name = encrypted_file_write(data=pdf, folder="documents")
    try:
        with transaction.atomic():
            document = IssuedDocument(
                municipality_id=case.municipality_id,
                case=case,
                document_type=kind.key,
                verification_code=code,
                sha256=hashlib.sha256(pdf).hexdigest(),
                size=len(pdf),
                storage_name=storage_name,
                issued_by=actor if actor is not None and actor.is_authenticated else None,
                issued_at=issued_at,
            )
            document.full_clean(exclude=["case", "municipality", "issued_by"])
            document.save()
    except Exception:
        encrypted_file_delete(storage_name)
        raise
    audit_event_record(
        action="document.issued",
        actor=actor,
        municipality=case.municipality,
        target=case,
        data={"document": document.pk, "type": kind.key},
    )
    return document


def case_approve_and_issue(*, case, actor) -> tuple[object, bool, IssuedDocument | None]:
    """Approve ``case`` (four-eyes aware, ``cases.services.case_approve``) and, once it is
    approved, issue the procedure's document in the same transaction: the first type in
    ``issuable_document_types``. Returns ``(case, approved, document)``; ``document`` is None
    while a four-eyes approval waits for the second clerk or when the procedure issues nothing.

    If issuing fails (``DocumentError``, a rendering error) the approval is rolled back too, so
    an approved case always has its document. The PDF is rendered inside the transaction:
    ``document_issue`` stores the hash of exactly the bytes it renders."""
    from rathaus.cases.services import case_approve

    with transaction.atomic():
        case, approved = case_approve(case=case, actor=actor)
        if not approved:
            return case, False, None
        types = procedure_get(case.procedure_key).issuable_document_types
        if not types:
            return case, True, None
        document = document_issue(case=case, document_type=types[0], actor=actor)
    return case, True, document


# An upload or a document is written to disk before its row is committed; a file whose row never
# arrived (its transaction rolled back, the process died) is left alone for this long, so that a
# write still in progress is never mistaken for an orphan.
ORPHAN_GRACE_SECONDS = 24 * 3600


def orphaned_files_delete(*, grace_seconds: float = ORPHAN_GRACE_SECONDS) -> dict[str, int]:
    """Delete encrypted files that no attachment or issued document names, and temporary files
    of crashed writes, once older than ``grace_seconds``. Returns the counts."""
    from rathaus.cases.models import Attachment

    from .storage import encrypted_files_older_than, stale_temporary_file_delete

    candidates = encrypted_files_older_than(grace_seconds)
    names = [name for name, finished in candidates if finished]
    known: set[str] = set()
    for start in range(0, len(names), 500):
        batch = names[start : start + 500]
        known.update(
            Attachment.objects.filter(storage_name__in=batch).values_list("storage_name", flat=True)
        )
        known.update(
            IssuedDocument.objects.filter(storage_name__in=batch).values_list(
                "storage_name", flat=True
            )
        )
    counts = {"files": 0, "temporary": 0}
    for name, finished in candidates:
        if not finished:
            stale_temporary_file_delete(name)
            counts["temporary"] += 1
        elif name not in known:
            encrypted_file_delete(name)
            counts["files"] += 1
    return counts
