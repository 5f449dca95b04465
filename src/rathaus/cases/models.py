import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rathaus.core.fields import (
    EncryptedCharField,
    EncryptedJSONField,
    EncryptedTextField,
    EncryptionRowIdField,
)

from .constants import CaseStatus, Channel

APPLICANT_NAME_PURPOSE = "case-applicant-name"
DRAFT_OWNER_PURPOSE = "case-draft-owner"


class Case(models.Model):
    """One application of a citizen to a municipality, from draft to closing.

    ``status`` changes only through ``services.case_transition``. Answers and the applicant's name
    are encrypted; ``applicant_name_digest`` (a keyed hash) allows an exact search by name.
    """

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.PROTECT, related_name="cases"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("reference number"), max_length=24, blank=True)
    procedure_key = models.CharField(_("procedure"), max_length=60)
    service_slug = models.SlugField(_("service"), max_length=80, blank=True)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    # Keyed hash of a random per-session token: lets an anonymous visitor reach their own draft.
    owner_token_digest = models.CharField(max_length=64, blank=True, editable=False)
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.DRAFT
    )
    # The language the journey was used in when the case was started: mails and documents for
    # an applicant without an account are written in it (``selectors.case_language``).
    language = models.CharField(_("language"), max_length=8, blank=True, default="de")
    encryption_row_id = EncryptionRowIdField()
    # The procedure's own stage (``Procedure.stages``), "" before the first; changes only
    # through ``services.case_stage_set``.
    stage = models.CharField(_("stage"), max_length=40, blank=True, default="")
    stage_changed_at = models.DateTimeField(_("stage since"), null=True, blank=True)
    answers = EncryptedJSONField(_("answers"), null=True, blank=True)
    applicant_name = EncryptedCharField(_("applicant's name"), max_length=200, blank=True)
    applicant_name_digest = models.CharField(max_length=64, blank=True, db_index=True)
    idempotency_key = models.CharField(max_length=64, editable=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
        verbose_name=_("assignee"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # When the follow-up of the submit was done: the procedure's decision rule has run and the
    # receipt was queued (or there was nobody to send it to). Set in the transaction that queues
    # the receipt, so that it goes out once; a case submitted long ago without it is taken up
    # again by ``services.case_follow_ups_resume``.
    receipt_queued_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-submitted_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "reference"],
                condition=~Q(reference=""),
                name="case_reference_unique_per_town",
            ),
            models.UniqueConstraint(
                fields=["municipality", "idempotency_key"],
                name="case_idempotency_key_unique_per_town",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | ~Q(reference=""),
                name="case_reference_once_submitted",
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "status", "submitted_at"]),
            models.Index(fields=["municipality", "applicant_name_digest"]),
            # The inbox's default order (newest first) without sorting all of a town's cases.
            models.Index(
                fields=["municipality", "submitted_at", "id"], name="case_town_submitted_idx"
            ),
            # Reference search by prefix (LIKE 'NOR-2026-0001%') on PostgreSQL, whatever the
            # database's collation; other databases ignore the operator class.
            models.Index(
                fields=["municipality", "reference"],
                opclasses=["", "varchar_pattern_ops"],
                name="case_town_reference_like_idx",
            ),
            # The submitted cases still waiting for their receipt (for seconds, normally): the
            # periodic task that looks for lost ones reads this, not the whole table.
            models.Index(
                fields=["submitted_at"],
                condition=Q(receipt_queued_at__isnull=True, submitted_at__isnull=False),
                name="case_receipt_pending_idx",
            ),
        ]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return self.reference or f"{self.procedure_key} draft #{self.pk}"

    @property
    def is_draft(self) -> bool:
        return self.status == CaseStatus.DRAFT


class CaseEvent(models.Model):
    """Append-only history of a case: who moved it, when, from which to which status, and why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_role = models.CharField(max_length=10)
    from_status = models.CharField(max_length=20, choices=CaseStatus.choices)
    to_status = models.CharField(max_length=20, choices=CaseStatus.choices)
    # The procedure's stage before and after (equal for a status change).
    from_stage = models.CharField(max_length=40, blank=True, default="")
    to_stage = models.CharField(max_length=40, blank=True, default="")
    # The procedure's rule by which the system decided ("" for people's moves).
    rule = models.CharField(_("rule"), max_length=100, blank=True, default="")
    # A reason may quote the citizen's circumstances: encrypted like the answers.
    encryption_row_id = EncryptionRowIdField()
    reason = EncryptedCharField(_("reason"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"

    def save(self, *args, **kwargs):
        # History is append-only: an existing event is never rewritten.
        if self.pk is not None and not self._state.adding:
            raise ValueError("Case events are append-only.")
        super().save(*args, **kwargs)

    @property
    def to_status_label(self) -> str:
        return CaseStatus(self.to_status).label

    @property
    def is_stage_change(self) -> bool:
        return self.from_stage != self.to_stage


class ReferenceCounter(models.Model):
    """Last reference sequence number per municipality and year; locked row per submit."""

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year"], name="reference_counter_per_town_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id}/{self.year}: {self.last_value}"


class Message(models.Model):
    """A Postfach message between the applicant and the town's staff about one case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sender_role = models.CharField(max_length=10)
    encryption_row_id = EncryptionRowIdField()
    body = EncryptedTextField(_("message"))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # When the applicant first saw a message from the town (their case page); None: unread.
    read_by_applicant_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.case} #{self.pk}"


class CaseReadCategory(models.TextChoices):
    """Which data of a case a staff member saw (recorded in the read log)."""

    ANSWERS = "answers", _("answers")
    MESSAGES = "messages", _("messages")
    HISTORY = "history", _("history")
    ATTACHMENTS = "attachments", _("attachments")
    DOCUMENTS = "documents", _("documents")


class CaseReadChannel(models.TextChoices):
    WEB = "web", _("back office")
    API = "api", _("API")


class CaseReadLog(models.Model):
    """§40 BMG-style access log: every time a staff member reads a case, who, when, which case and
    which data. Kept apart from the case so that the log outlives the case's retention period; used
    only for data-protection control."""

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="read_logs"
    )
    # The reference stays readable after the case itself has been deleted.
    reference = models.CharField(_("reference number"), max_length=24)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("staff member"),
    )
    data_categories = models.JSONField(_("data"), default=list)
    channel = models.CharField(
        _("channel"), max_length=10, choices=CaseReadChannel.choices, default=CaseReadChannel.WEB
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["municipality", "created_at"]),
            models.Index(fields=["municipality", "reference"]),
            models.Index(fields=["municipality", "actor", "created_at"]),
        ]
        verbose_name = _("case read log entry")
        verbose_name_plural = _("case read log")

    def __str__(self) -> str:
        return f"{self.reference} @ {self.created_at:%Y-%m-%d %H:%M}"


class CaseApproval(models.Model):
    """One clerk's approval of a case. With four-eyes procedures a case is approved only when a
    second, different clerk confirms: one approval per clerk and case (database constraint)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="approvals")
    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    encryption_row_id = EncryptionRowIdField()
    # The clerk's answer or note with this approval: the confirming clerk starts from it.
    text = EncryptedCharField(_("text"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "clerk"], name="case_approval_once_per_clerk"),
        ]
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")

    def __str__(self) -> str:
        return f"{self.case} ✓ #{self.clerk_id}"


class AttachmentKind(models.TextChoices):
    """The only file types accepted, recognised by their content."""

    PDF = "application/pdf", "PDF"
    JPEG = "image/jpeg", "JPEG"
    PNG = "image/png", "PNG"


class Attachment(models.Model):
    """A file a citizen or clerk added to a case (on a question page or to a Postfach message).

    The bytes live encrypted under ``settings.PRIVATE_STORAGE_ROOT`` with a random name
    (``storage_name``); the original file name is encrypted here. Files are served only through
    a view that checks access to the case first.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The question page the file was added on ("" for Postfach attachments).
    page_slug = models.SlugField(max_length=60, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploader_role = models.CharField(max_length=10)
    encryption_row_id = EncryptionRowIdField()
    original_name = EncryptedCharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=40, choices=AttachmentKind.choices)
    size = models.PositiveIntegerField(_("size in bytes"))
    storage_name = models.CharField(max_length=80, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["municipality", "case"])]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return f"{self.case} attachment #{self.pk}"
