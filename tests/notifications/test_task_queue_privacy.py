"""The task queue carries ids only; queued mail waits encrypted and is gone once delivered."""

import datetime as dt
import pickle

import pytest
from django.db import connection
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from rathaus.notifications.models import OutboxMessage, QueuedEmail
from rathaus.notifications.services import email_send
from rathaus.notifications.tasks import undeliverable_emails_delete

RECIPIENT = "erika.mustermann@example.org"
LINK = "https://norderstedt.localhost/konto/passwort/abc-geheim/"


@pytest.fixture
def queue_held(monkeypatch):
    """Tasks stay in the queue instead of running at once, as with a real worker."""
    monkeypatch.setattr(HUEY, "immediate", False)
    HUEY.flush()
    yield HUEY
    HUEY.flush()


@pytest.mark.django_db(transaction=True)
def test_queued_task_carries_the_mail_id_only(queue_held):
    email_send(
        to=RECIPIENT,
        template="accounts/email/password_reset",
        context={"url": LINK, "municipality": None},
    )
    [task] = queue_held.pending()
    queued = QueuedEmail.objects.get()
    assert task.args == ()
    assert task.kwargs == {"email_id": queued.pk}
    stored = b"".join(queue_held.storage.enqueued_items())
    for secret in (RECIPIENT, "abc-geheim", "erika"):
        assert secret.encode() not in stored
        assert secret.encode() not in pickle.dumps((task.args, task.kwargs))
    with connection.cursor() as cursor:
        cursor.execute("SELECT recipients, subject, body FROM notifications_queuedemail")
        columns = cursor.fetchone()
    assert all(column.startswith("t1$") for column in columns)
    assert not any("geheim" in column or "erika" in column for column in columns)

    queue_held.execute(queue_held.dequeue())
    assert not QueuedEmail.objects.exists()  # nothing left behind once delivered
    assert LINK in OutboxMessage.objects.get().body
    assert queue_held.pending_count() == 0


@pytest.mark.django_db
def test_a_task_run_twice_sends_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email_send(to=RECIPIENT, template="accounts/email/password_reset", context={"url": LINK})
    from rathaus.notifications.tasks import deliver_email

    deliver_email.call_local(email_id=1)
    assert OutboxMessage.objects.count() == 1


@pytest.mark.django_db
def test_undeliverable_mail_is_deleted_after_the_set_days(queue_held, settings, caplog):
    settings.RATHAUS_QUEUED_EMAIL_DAYS = 7
    email_send(to=RECIPIENT, template="accounts/email/password_reset", context={"url": LINK})
    email_send(to=RECIPIENT, template="accounts/email/password_reset", context={"url": LINK})
    old, recent = QueuedEmail.objects.order_by("pk")
    queued_at = timezone.now()
    QueuedEmail.objects.filter(pk=old.pk).update(created_at=queued_at - dt.timedelta(days=8))

    assert undeliverable_emails_delete.call_local(now=queued_at) == 1
    assert list(QueuedEmail.objects.values_list("pk", flat=True)) == [recent.pk]
    assert "deleted 1 e-mail(s) undelivered after 7 days" in caplog.text
    assert RECIPIENT not in caplog.text
    assert undeliverable_emails_delete.call_local(now=queued_at) == 0
