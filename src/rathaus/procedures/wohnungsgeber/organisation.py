"""The landlord organisation's way (§19(1) sentence 2 BMG): a housing company that its
municipality enrolled confirms move-ins through the persons it authorises, each logged in with
password and second factor. Who may use it is the accounts' answer (``landlord_access_for``);
here it becomes the procedure's way in, the landlord page's fixed landlord and the rule's check.
"""

from __future__ import annotations

from rathaus.accounts.selectors import landlord_access_for
from rathaus.cases.plugin import AlternativeAccess

RULE = "landlord-organisation"


def organisation_alternative_access(*, actor, municipality) -> AlternativeAccess | None:
    """Admits a member of one of the town's active landlord organisations who logged in with
    the second factor; refuses, with the reason, anyone an organisation ever authorised who does
    not meet that now (removed, organisation deactivated, another town, no second factor)."""
    result = landlord_access_for(user=actor, municipality=municipality)
    if result is None:
        return None
    if result.granted:
        return AlternativeAccess(granted=True, code=RULE)
    return AlternativeAccess(granted=False, code=result.state.value, message=result.state.label)


def organisation_membership(*, actor, municipality):
    """The membership in whose organisation's name ``actor`` confirms here, or None (the person
    confirms in their own name, identified by the eID)."""
    result = landlord_access_for(user=actor, municipality=municipality)
    return result.membership if result is not None and result.granted else None
