from .models import OutboxMessage


def outbox_list(*, limit: int = 50):
    return list(OutboxMessage.objects.all()[:limit])
