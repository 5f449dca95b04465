from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .selectors import outbox_attachment_get, outbox_list


def demo_outbox(request):
    if not settings.RATHAUS_DEMO:
        raise Http404
    return render(request, "notifications/demo_outbox.html", {"messages_sent": outbox_list()})


@require_GET
def demo_outbox_attachment(request, pk: int):
    """One attachment of a demo e-mail as a download; exists only in demo mode."""
    if not settings.RATHAUS_DEMO:
        raise Http404
    attachment = outbox_attachment_get(pk=pk)
    charset = "" if "charset=" in attachment.mimetype else "; charset=utf-8"
    response = HttpResponse(attachment.content, content_type=f"{attachment.mimetype}{charset}")
    filename = attachment.filename.replace('"', "")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
