"""The task queue carries ids only; queued mail waits encrypted and is gone once delivered."""

import pickle

import pytest
from django.db import connection
from huey.contrib.djhuey import HUEY

from rathaus.notifications.models import OutboxMessage, QueuedEmail
from rathaus.notifications.services import email_send

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
