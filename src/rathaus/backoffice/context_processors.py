"""The staff navigation in the page header, on every page a staff member opens as staff (the
views behind ``staff_required`` set ``request.staff_membership``). No queries: the role is
already on the request."""

from rathaus.accounts.constants import StaffRole
from rathaus.accounts.selectors import role_satisfies

# url namespace and name -> the navigation entry marked as the current section.
_SECTIONS = {
    "appointments": "appointments",
    "backoffice:inbox": "inbox",
    "backoffice:case_detail": "inbox",
    "backoffice:offices": "appointments",
    "backoffice:payment_list": "payments",
    "backoffice:payment_detail": "payments",
    "backoffice:payment_export": "payments",
    "backoffice:statistics": "statistics",
    "backoffice:read_log": "read_log",
    "elections_office": "elections",
}


def staff_navigation(request) -> dict:
    membership = getattr(request, "staff_membership", None)
    if membership is None:
        return {}
    role = membership.role
    match = getattr(request, "resolver_match", None)
    section = ""
    if match is not None:
        section = _SECTIONS.get(match.view_name) or _SECTIONS.get(match.namespace, "")
    return {
        "staff_nav": {
            "section": section,
            "payments": role_satisfies(role, StaffRole.TEAM_LEAD),
            "statistics": role_satisfies(role, StaffRole.TEAM_LEAD),
            "read_log": role_satisfies(role, StaffRole.ADMIN),
            "administration": role_satisfies(role, StaffRole.ADMIN),
        }
    }
