"""Citizen pages of the case engine, one module per part of the journey. Views parse input, call
one service or selector, render.

* ``journey``: what the pages share — the visitor's draft and session, the context handed to
  the procedure, the pages' URLs, pre-filled answers, the appointment link;
* ``pages``: a procedure's start page and its question pages;
* ``groups``: repeating groups ("add another") — adding, changing, removing one entry;
* ``submit``: the check-your-answers page that submits, and the confirmation page;
* ``own_cases``: the applicant's cases, a case's page with the Postfach, withdrawal, and the
  public status look-up;
* ``files``: the file-upload question page and the downloads (attachments, receipt, documents).

``urls.py`` routes to the views listed here.
"""

from .files import (
    attachment_download,
    attachment_page,
    confirmation_receipt_download,
    issued_document_download,
    receipt_download,
)
from .groups import group_item, group_remove
from .own_cases import case_detail, case_withdraw, my_cases, status_lookup
from .pages import page, start
from .submit import check, confirmation

__all__ = [
    "attachment_download",
    "attachment_page",
    "case_detail",
    "case_withdraw",
    "check",
    "confirmation",
    "confirmation_receipt_download",
    "group_item",
    "group_remove",
    "issued_document_download",
    "my_cases",
    "page",
    "receipt_download",
    "start",
    "status_lookup",
]
