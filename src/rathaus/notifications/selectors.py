from django.shortcuts import get_object_or_404

from .models import OutboxAttachment, OutboxMessage


def outbox_list(*, limit: int = 50):
    return list(OutboxMessage.objects.prefetch_related("attachments")[:limit])


def outbox_attachment_get(*, pk: int) -> OutboxAttachment:
    return get_object_or_404(OutboxAttachment, pk=pk)
