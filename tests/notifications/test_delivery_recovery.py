"""A queued e-mail outlives its task: a task lost with a killed worker or a restarted Redis is
replaced from the row, and a queue that cannot be reached does not fail the caller's request."""

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from redis.exceptions import ConnectionError as RedisConnectionError

from rathaus.cases.models import Message
from rathaus.cases.services import message_send
from rathaus.notifications import tasks
from rathaus.notifications.models import OutboxMessage, QueuedEmail
from rathaus.notifications.services import email_queue, email_send
from rathaus.notifications.tasks import waiting_emails_resend
from tests.cases.conftest import submitted_make, user_make

RECIPIENT = "erika.mustermann@example.org"
CONTEXT = {"url": "https://norderstedt.localhost/konto/passwort/abc/"}


@pytest.fixture
def queue_held(monkeypatch):
    """Tasks stay in the queue instead of running at once, as with a real worker."""
    monkeypatch.setattr(HUEY, "immediate", False)
    HUEY.flush()
    yield HUEY
    HUEY.flush()


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_queue_does_not_fail_the_committed_work(queue_held, monkeypatch, caplog):
    def refuse(task):
        raise RedisConnectionError("Connection refused")

    monkeypatch.setattr(queue_held, "enqueue", refuse)
    with transaction.atomic():
        email_send(to=RECIPIENT, template="accounts/email/password_reset", context=CONTEXT)
    # Committed and kept for the resend; the failure is logged without the address.
    assert QueuedEmail.objects.count() == 1
    assert "Connection refused" in caplog.text
    assert RECIPIENT not in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_lost_task_is_replaced_once_the_mail_is_overdue(queue_held, settings, caplog):
    settings.RATHAUS_QUEUED_EMAIL_RESEND_SECONDS = 300
    email_send(to=RECIPIENT, template="accounts/email/password_reset", context=CONTEXT)
    queued = QueuedEmail.objects.get()
    queue_held.flush()  # the worker that took the task was killed, or Redis restarted
    now = timezone.now()

    assert waiting_emails_resend.call_local(now=now + dt.timedelta(seconds=60)) == 0
    assert queue_held.pending_count() == 0
    assert waiting_emails_resend.call_local(now=now + dt.timedelta(seconds=301)) == 1
    [task] = queue_held.pending()
    assert task.kwargs == {"email_id": queued.pk}
    assert task.retries == 0  # the next minute's check is the retry
    assert "handed 1 waiting e-mail(s) to the worker again" in caplog.text
    assert RECIPIENT not in caplog.text

    queue_held.execute(queue_held.dequeue())
    assert not QueuedEmail.objects.exists()
    assert OutboxMessage.objects.get().recipients == RECIPIENT
    assert waiting_emails_resend.call_local(now=now + dt.timedelta(seconds=400)) == 0


@pytest.mark.django_db(transaction=True)
def test_a_refused_mail_is_handed_over_once_per_period_not_every_minute(queue_held, settings):
    settings.RATHAUS_QUEUED_EMAIL_RESEND_SECONDS = 300
    email_send(to=RECIPIENT, template="accounts/email/password_reset", context=CONTEXT)
    queue_held.flush()
    now = timezone.now()
    handed = [
        waiting_emails_resend.call_local(now=now + dt.timedelta(minutes=minute))
        for minute in range(6, 18)
    ]
    # Due at 0: handed over at minute 6, then again once 300 s have passed since: 12.
    assert handed == [1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]
    assert QueuedEmail.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_bundled_mail_counts_from_when_it_is_due(queue_held, settings):
    settings.RATHAUS_QUEUED_EMAIL_RESEND_SECONDS = 300
    email_queue(
        to=RECIPIENT,
        template="accounts/email/password_reset",
        context=CONTEXT,
        language="de",
        bundle="case-update:1",
        window=dt.timedelta(seconds=120),
    )
    now = timezone.now()
    assert waiting_emails_resend.call_local(now=now + dt.timedelta(seconds=310)) == 0
    assert waiting_emails_resend.call_local(now=now + dt.timedelta(seconds=430)) == 1


@pytest.mark.django_db
def test_every_attempt_of_one_mail_carries_the_same_message_id(monkeypatch):
    sent = []
    monkeypatch.setattr(mail.EmailMessage, "send", lambda message: sent.append(message) or 1)
    first = QueuedEmail.objects.create(recipients=[RECIPIENT], subject="Termin", body="Text")
    second = QueuedEmail.objects.create(recipients=[RECIPIENT], subject="Termin", body="Text")
    # The first attempt's deletion is lost (the worker died after the mail server took it).
    monkeypatch.setattr(QueuedEmail, "delete", lambda self: None)
    tasks.deliver_email.call_local(email_id=first.pk)
    monkeypatch.undo()
    monkeypatch.setattr(mail.EmailMessage, "send", lambda message: sent.append(message) or 1)
    tasks.deliver_email.call_local(email_id=first.pk)
    tasks.deliver_email.call_local(email_id=second.pk)

    ids = [message.extra_headers["Message-ID"] for message in sent]
    assert ids[0] == ids[1] != ids[2]
    assert ids[0].startswith("<") and ids[0].endswith(">")
    assert RECIPIENT not in ids[0] and str(first.encryption_row_id) not in ids[0]
    assert not QueuedEmail.objects.exists()


@pytest.mark.parametrize("bundle_seconds", [0, 120], ids=["at once", "bundled"])
@pytest.mark.django_db(transaction=True)
def test_a_case_notice_outlives_an_unreachable_queue(
    queue_held, monkeypatch, caplog, settings, norderstedt, bundle_seconds
):
    # A clerk's Postfach message: the applicant's notice is queued after the commit, while the
    # queue's Redis restarts. The message stands, the notice waits and is handed over later.
    settings.RATHAUS_CASE_MAIL_BUNDLE_SECONDS = bundle_seconds
    settings.RATHAUS_QUEUED_EMAIL_RESEND_SECONDS = 300
    citizen = user_make(RECIPIENT)
    clerk = user_make("clerk@norderstedt.example", staff_of=norderstedt)
    case = submitted_make(municipality=norderstedt, actor=citizen)
    QueuedEmail.objects.all().delete()  # the receipt
    queue_held.flush()
    enqueue = queue_held.enqueue

    def refuse(task):
        raise RedisConnectionError("Connection refused")

    monkeypatch.setattr(queue_held, "enqueue", refuse)
    message = message_send(case=case, sender=clerk, body="Bitte reichen Sie den Ausweis nach.")
    assert Message.objects.filter(pk=message.pk).exists()
    queued = QueuedEmail.objects.get()
    assert queued.recipients == [RECIPIENT]
    assert "Connection refused" in caplog.text
    assert RECIPIENT not in caplog.text and "Ausweis" not in caplog.text

    monkeypatch.setattr(queue_held, "enqueue", enqueue)  # Redis is back
    due = queued.send_after or queued.created_at
    assert waiting_emails_resend.call_local(now=due + dt.timedelta(seconds=301)) == 1
    [task] = queue_held.pending()
    assert task.kwargs == {"email_id": queued.pk}  # the id only
