"""Files uploaded to a case: checked, cleaned, encrypted and stored; removed from drafts."""

from __future__ import annotations

import secrets
from functools import partial

from django.db import transaction

from rathaus.core.audit import audit_event_record
from rathaus.core.storage import encrypted_file_delete, encrypted_file_write

from ..attachments import AttachmentError, content_check, size_label, virus_check
from ..constants import ActorRole, AttachmentErrorCode, CaseStatus
from ..models import Attachment, Case, Message
from ..plugin import AttachmentPage, Procedure, procedure_get
from ..selectors import owner_token_digest
from .context import actor_role_for_case

# Extensions that claim a type; a file whose content is another type is refused. The name never
# makes a file acceptable: the content decides (see cases.attachments.content_check).
ATTACHMENT_EXTENSIONS = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".jpe": "image/jpeg",
    ".png": "image/png",
}


ATTACHMENT_DEFAULT_EXTENSION = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
}


def _attachment_role(*, case: Case, actor, owner_token: str) -> ActorRole | None:
    """Who may add or remove files: the draft's owner (account or session token) while it is a
    draft; afterwards the applicant or the town's staff."""
    if case.status == CaseStatus.DRAFT:
        if actor is not None and actor.is_authenticated and case.applicant_id == actor.pk:
            return ActorRole.CITIZEN
        digest = owner_token_digest(owner_token)
        if digest and secrets.compare_digest(case.owner_token_digest, digest):
            return ActorRole.CITIZEN
        return None
    role = actor_role_for_case(actor=actor, case=case)
    return role if role in (ActorRole.CITIZEN, ActorRole.STAFF) else None


def attachment_file_name(name: str, content_type: str) -> str:
    """A safe display name: no path, no control characters; the extension matches the content.

    Raises ``AttachmentError(TYPE_MISMATCH)`` when the name claims another type."""

    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()[:200] or "file"
    stem, dot, ext = base.rpartition(".")
    claimed = ATTACHMENT_EXTENSIONS.get(f".{ext.lower()}") if dot and stem else None
    if claimed is not None and claimed != content_type:
        raise AttachmentError(AttachmentErrorCode.TYPE_MISMATCH)
    if claimed is None:
        base = f"{base}{ATTACHMENT_DEFAULT_EXTENSION[content_type]}"
    return base


@transaction.atomic
def attachment_add(
    *,
    case: Case,
    upload,
    actor,
    owner_token: str = "",
    page_slug: str = "",
    message: Message | None = None,
):
    """Check, clean, encrypt and store one uploaded file for ``case``.

    ``page_slug``: the question page it belongs to; an earlier file of that page is replaced.
    ``message``: the Postfach message it belongs to. Raises ``AttachmentError`` (stable code,
    translated message) for a refused file; nothing is stored then.
    """

    role = _attachment_role(case=case, actor=actor, owner_token=owner_token)
    if role is None:
        raise AttachmentError(AttachmentErrorCode.NOT_PERMITTED)
    procedure = procedure_get(case.procedure_key)
    max_size = procedure.attachment_max_bytes
    if upload.size > max_size:
        raise AttachmentError(AttachmentErrorCode.TOO_LARGE, max_size=size_label(max_size))
    siblings = Attachment.objects.filter(municipality=case.municipality_id, case=case)
    replaced = list(siblings.filter(page_slug=page_slug)) if page_slug else []
    if siblings.count() - len(replaced) >= procedure.attachment_max_count:
        raise AttachmentError(
            AttachmentErrorCode.TOO_MANY, max_count=procedure.attachment_max_count
        )
    data = b"".join(upload.chunks())
    if len(data) > max_size:
        raise AttachmentError(AttachmentErrorCode.TOO_LARGE, max_size=size_label(max_size))
    if not data:
        raise AttachmentError(AttachmentErrorCode.EMPTY)
    virus_check(data)
    content_type, clean = content_check(data)
    name = attachment_file_name(upload.name, content_type)
    storage_name = encrypted_file_write(data=clean, folder="attachments")
    try:
        attachment = Attachment(
            case=case,
            municipality_id=case.municipality_id,
            message=message,
            page_slug=page_slug,
            uploaded_by=actor if actor is not None and actor.is_authenticated else None,
            uploader_role=role,
            original_name=name,
            content_type=content_type,
            size=len(clean),
            storage_name=storage_name,
        )
        attachment.full_clean(exclude=["case", "municipality", "message", "uploaded_by"])
        attachment.save()
    except Exception:
        encrypted_file_delete(storage_name)
        raise
    for old in replaced:
        _attachment_remove(attachment=old)
    audit_event_record(
        action="case.attachment_added",
        actor=actor,
        municipality=case.municipality,
        target=case,
        data={"attachment": attachment.pk, "type": content_type, "size": len(clean)},
    )
    return attachment


def _attachment_remove(*, attachment) -> None:

    storage_name = attachment.storage_name
    attachment.delete()
    transaction.on_commit(partial(encrypted_file_delete, storage_name))


@transaction.atomic
def attachment_remove(*, attachment, actor, owner_token: str = "") -> None:
    """Remove a file from a draft (the journey's "remove" button). Submitted files stay."""

    case = attachment.case
    role = _attachment_role(case=case, actor=actor, owner_token=owner_token)
    if case.status != CaseStatus.DRAFT or role != ActorRole.CITIZEN:
        raise AttachmentError(AttachmentErrorCode.NOT_PERMITTED)
    audit_event_record(
        action="case.attachment_removed",
        actor=actor,
        municipality=case.municipality,
        target=case,
        data={"attachment": attachment.pk},
    )
    _attachment_remove(attachment=attachment)


def attachments_of_skipped_pages_remove(*, case: Case, procedure: Procedure) -> int:
    """Remove files added on question pages that the final answers no longer ask (on submit)."""

    if not any(issubclass(page, AttachmentPage) for page in procedure.pages):
        return 0  # only a file page (``AttachmentPage``) files an attachment under its slug
    active = {page.slug for page in procedure.active_pages(case.answers or {})}
    stale = Attachment.objects.filter(municipality=case.municipality_id, case=case).exclude(
        page_slug=""
    )
    removed = 0
    for attachment in stale:
        if attachment.page_slug not in active:
            _attachment_remove(attachment=attachment)
            removed += 1
    return removed
