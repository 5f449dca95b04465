"""Limits of issued documents and of the public verification page; stable error codes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

VERIFICATION_CODE_LENGTH = 16  # base32 of 10 random bytes: 80 bits
VERIFY_UPLOAD_MAX_BYTES = 20 * 1024 * 1024
PDF_VARIANT = "pdf/a-3b"  # archival PDF/A-3b, as offered by WeasyPrint


class DocumentErrorCode(models.TextChoices):
    UNKNOWN_DOCUMENT_TYPE = "unknown_document_type", _("This document type does not exist.")
    NOT_ISSUABLE = "not_issuable", _("This procedure cannot issue this document type.")
    ACTOR_NOT_PERMITTED = "actor_not_permitted", _("You may not issue documents for this case.")
    CASE_NOT_SUBMITTED = "case_not_submitted", _("Documents are issued for submitted cases only.")
    NO_REGISTER_ENTRY = (
        "no_register_entry",
        _(
            "The resident register has no entry for this person, so this document cannot be "
            "issued. Reject the request or ask the applicant for more information."
        ),
    )
