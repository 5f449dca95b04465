"""Writes of elections and the postal vote, one module per concern. Keyword-only, in one
transaction each, with an audit event; invariants (one accepted application and one valid
Wahlschein per voter) are database constraints that decide between concurrent requests.

* ``lists``: the candidate lists approved, from when Wahlscheine may be issued;
* ``voter_register``: the voter register replaced by a CSV import, with its report;
* ``applications``: postal-vote applications — taken without an account, accepted or
  rejected by a clerk;
* ``wahlscheine``: Wahlscheine issued, invalidated and replaced, dispatched.

Other modules and apps import from ``rathaus.elections.services`` only; what is listed here is
the public face.
"""

from .applications import (
    AUTHORITY_MAX_BYTES,
    REFERENCE_ALPHABET,
    SYSTEM_RULE_EXACT,
    ApplicationData,
    ApplicationResult,
    application_accept,
    application_accept_section_25_2,
    application_reject,
    application_submit,
)
from .lists import election_lists_approve
from .voter_register import CSV_COLUMNS, ImportReport, voter_register_import
from .wahlscheine import (
    wahlschein_invalidate,
    wahlschein_issue,
    wahlscheine_dispatched,
    wahlscheine_issue_all,
)

__all__ = [
    "AUTHORITY_MAX_BYTES",
    "CSV_COLUMNS",
    "REFERENCE_ALPHABET",
    "SYSTEM_RULE_EXACT",
    "ApplicationData",
    "ApplicationResult",
    "ImportReport",
    "application_accept",
    "application_accept_section_25_2",
    "application_reject",
    "application_submit",
    "election_lists_approve",
    "voter_register_import",
    "wahlschein_invalidate",
    "wahlschein_issue",
    "wahlscheine_dispatched",
    "wahlscheine_issue_all",
]
