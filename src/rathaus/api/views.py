from django.views.decorators.csrf import csrf_exempt

from .constants import ApiErrorCode
from .errors import error_response


@csrf_exempt
def not_found(request, path=""):
    """Unknown paths under the API answer in the API's error format, not with an HTML page."""
    return error_response(ApiErrorCode.NOT_FOUND, status=404)
