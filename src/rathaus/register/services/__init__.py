"""Writes of the resident register, one module per concern. Each one runs in a transaction and
writes the register's history (who, when, which case) and an audit event with it.

* ``data``: what the writes take — ``PersonData`` and ``Address``;
* ``history``: the history row and audit event every write records;
* ``persons``: persons, their residences (moving in and out) and family links;
* ``blocks``: Auskunftssperren and Übermittlungssperren, and their renewal reminder;
* ``streets``: the town's street directory;
* ``assignment_codes``: assignment codes (Zuordnungsmerkmal) — issued, taken, given back;
* ``rueckmeldung``: the Rückmeldung to the previous office, its answer, the overdue ones.

Other modules and apps import from ``rathaus.register.services`` only; what is listed here is
the public face.
"""

from .assignment_codes import (
    assignment_code_issue,
    assignment_code_release,
    assignment_code_take,
    code_display,
    consent_code_issue,
    consent_code_reminder_mark,
    consent_code_revoke,
)
from .blocks import block_end, block_reminder_mark, block_set
from .data import Address, PersonData
from .persons import (
    family_link,
    person_build,
    person_create,
    residence_build,
    residence_move_in,
    residence_move_out,
)
from .rueckmeldung import (
    rueckmeldung_answered,
    rueckmeldung_write,
    rueckmeldungen_overdue_mark,
    working_days_after,
)
from .streets import streets_load

__all__ = [
    "Address",
    "PersonData",
    "assignment_code_issue",
    "assignment_code_release",
    "assignment_code_take",
    "block_end",
    "block_reminder_mark",
    "block_set",
    "code_display",
    "consent_code_issue",
    "consent_code_reminder_mark",
    "consent_code_revoke",
    "family_link",
    "person_build",
    "person_create",
    "residence_build",
    "residence_move_in",
    "residence_move_out",
    "rueckmeldung_answered",
    "rueckmeldung_write",
    "rueckmeldungen_overdue_mark",
    "streets_load",
    "working_days_after",
]
