"""Public constants of the REST API: stable error codes and token format."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiErrorCode(models.TextChoices):
    """Codes of the API's own errors. Errors of an app's operations keep that app's codes
    (e.g. ``cases.constants.CaseErrorCode``, ``appointments.constants.ErrorCode``)."""

    UNAUTHORIZED = "unauthorized", _("Authentication is required or the API token is not valid.")
    FORBIDDEN = "forbidden", _("You may not do this.")
    NOT_FOUND = "not_found", _("Not found.")
    INVALID_REQUEST = "invalid_request", _("The request is not valid.")
    MALFORMED_REQUEST = "malformed_request", _("The request body could not be read.")
    REQUEST_TOO_LARGE = "request_too_large", _("The request is too large.")
    METHOD_NOT_ALLOWED = "method_not_allowed", _("This method is not allowed here.")
    INTERNAL_ERROR = "internal_error", _("Something went wrong on our side.")


# A token reads ``rth_<prefix>_<secret>``: the prefix identifies the token (shown in the admin and
# in audit events), the secret is 32 random bytes; only its SHA-256 digest is stored.
TOKEN_SCHEME = "rth"
TOKEN_PREFIX_BYTES = 6  # 12 hex characters
TOKEN_SECRET_BYTES = 32

# ``last_used_at`` is written at most this often per token, so reads do not write on every call.
LAST_USED_RESOLUTION_SECONDS = 60

CASE_LIST_DEFAULT_LIMIT = 20
CASE_LIST_MAX_LIMIT = 100
# Far beyond any town's case count, far below the 64-bit limit of SQL's OFFSET.
CASE_LIST_MAX_OFFSET = 1_000_000_000
