"""Back-office pages for the town's staff, one module per concern. Views parse input, call one
service or selector, and render; every page is behind ``staff_required`` and every case is
fetched for ``request.municipality`` only.

* ``worklist``: the inbox and taking a case;
* ``case_page``: a case's page and the one-click moves that decide nothing (review, stage,
  code letter);
* ``decisions``: decisions with their confirmation pages, information requests, messages;
* ``files``: downloads of a case's attachments and issued documents;
* ``payments``: the payment list and page, waiver, refunds, resolving, the daily export;
* ``overview``: the read log, statistics and the offices;
* ``common``: what several of them share (a case's URL, a case for an action, a download).

``urls.py`` routes to the views listed here.
"""

from .case_page import case_action, case_code_letter, case_detail, case_stage
from .decisions import case_approve, case_complete, case_message, case_reject, case_request_info
from .files import attachment_download, document_download
from .overview import offices, read_log, statistics
from .payments import (
    payment_detail,
    payment_export,
    payment_list,
    payment_refund_confirm,
    payment_refund_request,
    payment_resolve,
    payment_waive,
)
from .worklist import case_assign_to_me, inbox

__all__ = [
    "attachment_download",
    "case_action",
    "case_approve",
    "case_assign_to_me",
    "case_code_letter",
    "case_complete",
    "case_detail",
    "case_message",
    "case_reject",
    "case_request_info",
    "case_stage",
    "document_download",
    "inbox",
    "offices",
    "payment_detail",
    "payment_export",
    "payment_list",
    "payment_refund_confirm",
    "payment_refund_request",
    "payment_resolve",
    "payment_waive",
    "read_log",
    "statistics",
]
