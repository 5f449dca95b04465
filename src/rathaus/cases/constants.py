"""Public constants of the case engine: states, channels, actor roles and stable error codes."""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    # Submitted, but the fee is not paid yet: the back office does not see it until it is.
    AWAITING_PAYMENT = "awaiting_payment", _("awaiting payment")
    SUBMITTED = "submitted", _("submitted")
    IN_REVIEW = "in_review", _("in review")
    INFO_REQUESTED = "info_requested", _("information requested")
    APPROVED = "approved", _("approved")
    COMPLETED = "completed", _("completed")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn")


# A decision has been taken once a case reaches one of these; the citizen can no longer withdraw.
DECIDED_STATUSES = frozenset({CaseStatus.APPROVED, CaseStatus.REJECTED})
# The case is finished; the retention period of its procedure runs from ``closed_at``.
CLOSED_STATUSES = frozenset({CaseStatus.COMPLETED, CaseStatus.REJECTED, CaseStatus.WITHDRAWN})


class Channel(models.TextChoices):
    ONLINE = "online", _("online")
    COUNTER = "counter", _("at the counter")


class ActorRole(models.TextChoices):
    """Who moves a case. Derived from the actor and the case, never taken from input."""

    CITIZEN = "citizen", _("citizen")
    STAFF = "staff", _("staff")
    SYSTEM = "system", _("system")


class CaseErrorCode(models.TextChoices):
    """Stable codes for refused case operations (used by views and, later, the API)."""

    TRANSITION_NOT_ALLOWED = "transition_not_allowed", _("This change of status is not possible.")
    ACTOR_NOT_PERMITTED = "actor_not_permitted", _("You may not make this change of status.")
    REASON_REQUIRED = "reason_required", _("Please give a reason.")
    UNKNOWN_STATUS = "unknown_status", _("Unknown status.")
    NOT_A_DRAFT = "not_a_draft", _("This request has already been submitted.")
    INCOMPLETE_ANSWERS = "incomplete_answers", _("Some questions have not been answered yet.")
    IDEMPOTENCY_MISMATCH = "idempotency_mismatch", _("The form is out of date. Please try again.")
    ACCOUNT_REQUIRED = "account_required", _("Please log in to use this service.")
    EMPTY_MESSAGE = "empty_message", _("Please write a message.")
    TRUST_LEVEL_TOO_LOW = (
        "trust_level_too_low",
        _("This service needs a stronger proof of identity."),
    )
    # A procedure's own way in (``Procedure.alternative_access``) refused this person.
    ACCESS_REFUSED = (
        "access_refused",
        _("%(reason)s You can also use this service with your online ID card (BundID)."),
    )
    SERVICE_NOT_OFFERED = (
        "service_not_offered",
        _("The town does not offer this service online."),
    )
    ANSWERS_INVALID = "answers_invalid", _("Some answers need to be corrected.")
    GROUP_FULL = "group_full", _("No more entries can be added.")
    NOT_FOUND = "not_found", _("This entry does not exist.")
    STAGE_NOT_ALLOWED = "stage_not_allowed", _("This change of stage is not possible.")
    NOT_BY_HAND = (
        "not_by_hand",
        _(
            "This step is not taken by hand for this service: the case moves on by itself "
            "when what it waits for has arrived."
        ),
    )
    FOUR_EYES_SAME_CLERK = (
        "four_eyes_same_clerk",
        _("You have already approved this case. A second, different clerk must confirm it."),
    )


DRAFT_LIFETIME = datetime.timedelta(days=30)
REFERENCE_SEQUENCE_DIGITS = 6

# Session key holding the random token that identifies an anonymous visitor's drafts.
SESSION_DRAFT_OWNER = "rathaus_case_owner"

MESSAGE_MAX_LENGTH = 5000


class AttachmentErrorCode(models.TextChoices):
    """Stable codes for refused attachments. Labels may use %(max_size)s and %(max_count)s."""

    EMPTY = "empty", _("The selected file is empty.")
    TOO_LARGE = "too_large", _("The file must be smaller than %(max_size)s.")
    TOO_MANY = "too_many", _("You can add at most %(max_count)s files to this request.")
    UNSUPPORTED_TYPE = "unsupported_type", _("The file must be a PDF, JPEG or PNG file.")
    TYPE_MISMATCH = (
        "type_mismatch",
        _("The file's content does not match its name. Please check the file and try again."),
    )
    DAMAGED = "damaged", _("The file could not be read. It may be damaged.")
    ACTIVE_CONTENT = (
        "active_content",
        _("The PDF contains scripts or actions and was not accepted. Please send a plain PDF."),
    )
    EMBEDDED_FILES = (
        "embedded_files",
        _("The PDF contains other files and was not accepted. Please send a PDF without them."),
    )
    INFECTED = (
        "infected",
        _(
            "The file contains a virus or other malware and was not accepted. "
            "Please check your device and send a clean file."
        ),
    )
    SCAN_FAILED = (
        "scan_failed",
        _("The file could not be checked for viruses. Please try again later."),
    )
    NOT_PERMITTED = "not_permitted", _("You may not add files to this request.")
