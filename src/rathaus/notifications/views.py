from django.conf import settings
from django.http import Http404
from django.shortcuts import render

from .selectors import outbox_list


def demo_outbox(request):
    if not settings.RATHAUS_DEMO:
        raise Http404
    return render(request, "notifications/demo_outbox.html", {"messages_sent": outbox_list()})
