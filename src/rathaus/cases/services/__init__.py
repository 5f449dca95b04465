"""Writes of the case engine, one module per concern. ``case_transition`` is the only way a
case's status changes.

* ``context``: the role an actor plays for a case, the journey context a procedure's hooks
  receive, the fee the procedure reckons;
* ``status``: status and stage changes with their history (``case_transition``,
  ``case_stage_set``), the procedure's lifecycle hooks and decision rule, withdrawal;
* ``mail``: the receipt, decision and update e-mails to the applicant, sent after commit;
* ``drafts``: who may apply, drafts and their answers, deleting expired or abandoned drafts;
* ``submission``: submitting a draft, recording a complete application taken in by staff,
  taking up a submit's decision and receipt lost with its process;
  ``references``: the gap-free reference numbers allocated on submit;
* ``postfach``: messages between the applicant and the town;
* ``staff``: a clerk's work — read log, assignment, information requests, decisions,
  four-eyes approval;
* ``attachments``: uploaded files, checked and stored encrypted;
* ``documents``: issued PDFs and the receipt;
* ``retention``: deleting closed cases, old read-log entries and orphaned files.

Other modules and apps import from ``rathaus.cases.services`` only; what is listed here is
the public face.
"""

from .attachments import (
    ATTACHMENT_DEFAULT_EXTENSION,
    ATTACHMENT_EXTENSIONS,
    attachment_add,
    attachment_file_name,
    attachment_remove,
    attachments_of_skipped_pages_remove,
)
from .context import actor_role_for_case, case_context, case_fee
from .documents import case_document_issue, receipt_render
from .drafts import (
    answers_as_json,
    case_access_check,
    case_draft_answers_save,
    case_draft_start,
    case_drafts_expired_delete,
    case_drafts_of_owner_delete,
    case_group_item_remove,
    case_group_item_save,
    owner_token_new,
    prefill_source_label,
)
from .mail import case_decision_send, case_notify_applicant, case_receipt_send
from .postfach import message_send, message_send_with_attachment, messages_mark_read
from .references import reference_allocate
from .retention import (
    ORPHAN_GRACE_SECONDS,
    case_retention_purge,
    orphaned_files_delete,
    read_logs_purge,
)
from .staff import (
    CLERK_DECISIONS,
    case_approve,
    case_assign,
    case_decide,
    case_read_logged,
    case_request_information,
)
from .status import case_rule_recheck, case_stage_set, case_transition, case_withdraw
from .submission import (
    FOLLOW_UP_LOST_AFTER,
    SUBMITTED_FIELDS,
    answers_errors,
    case_follow_ups_resume,
    case_record,
    case_submit,
)

__all__ = [
    "ATTACHMENT_DEFAULT_EXTENSION",
    "ATTACHMENT_EXTENSIONS",
    "CLERK_DECISIONS",
    "FOLLOW_UP_LOST_AFTER",
    "ORPHAN_GRACE_SECONDS",
    "SUBMITTED_FIELDS",
    "actor_role_for_case",
    "answers_as_json",
    "answers_errors",
    "attachment_add",
    "attachment_file_name",
    "attachment_remove",
    "attachments_of_skipped_pages_remove",
    "case_access_check",
    "case_approve",
    "case_assign",
    "case_context",
    "case_decide",
    "case_decision_send",
    "case_document_issue",
    "case_draft_answers_save",
    "case_draft_start",
    "case_drafts_expired_delete",
    "case_drafts_of_owner_delete",
    "case_fee",
    "case_follow_ups_resume",
    "case_group_item_remove",
    "case_group_item_save",
    "case_notify_applicant",
    "case_read_logged",
    "case_receipt_send",
    "case_record",
    "case_request_information",
    "case_retention_purge",
    "case_rule_recheck",
    "case_stage_set",
    "case_submit",
    "case_transition",
    "case_withdraw",
    "message_send",
    "message_send_with_attachment",
    "messages_mark_read",
    "orphaned_files_delete",
    "owner_token_new",
    "prefill_source_label",
    "read_logs_purge",
    "receipt_render",
    "reference_allocate",
]
