"""Refusing request bodies that are too large before they are read.

``RequestSizeLimitMiddleware`` answers 413 from the ``Content-Length`` header alone, before Django
reads the body; ``SizeCapUploadHandler`` stops a multipart upload once the bytes received pass
the same limit (``RATHAUS_MAX_REQUEST_BYTES``), whatever the header said. The reverse proxy
refuses such bodies even earlier (``client_max_body_size`` in docs/operations.md).
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.RATHAUS_MAX_REQUEST_BYTES
        if _declared_length(request) > limit:
            return self._refuse(request, limit)
        return self.get_response(request)

    def _refuse(self, request: HttpRequest, limit: int) -> HttpResponse:
        message = _("The request is too large. Files may have at most %(max_size)s.") % {
            "max_size": filesizeformat(limit)
        }
        if request.path.startswith("/api/"):
            body = {"code": "request_too_large", "message": message, "details": {}}
            response = JsonResponse(body, status=413)
        else:
            response = render(request, "413.html", {"message": message}, status=413)
        # The unread body must not be taken for the next request on a kept-alive connection.
        response["Connection"] = "close"
        return response


class SizeCapUploadHandler(FileUploadHandler):
    """Counts the bytes of every uploaded file and stops the upload past the limit."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.RATHAUS_MAX_REQUEST_BYTES:
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None
