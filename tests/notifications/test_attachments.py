"""Attachments wait encrypted with their mail and reach the demo outbox."""

import pytest
from django.db import connection
from django.test import override_settings

from rathaus.notifications.models import OutboxAttachment, OutboxMessage, QueuedEmail
from rathaus.notifications.services import email_send

from .test_email import RECIPIENT, mail_templates  # noqa: F401

ICS = "BEGIN:VCALENDAR\r\nMETHOD:PUBLISH\r\nSUMMARY:Bürgerbüro (ABCD2345)\r\nEND:VCALENDAR\r\n"
FILE = ("termin-ABCD2345.ics", ICS, "text/calendar; method=PUBLISH")


@pytest.mark.django_db
def test_attachment_waits_encrypted_and_the_task_gets_the_id_only(
    mail_templates,  # noqa: F811
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    queued = []
    monkeypatch.setattr(
        "rathaus.notifications.services.deliver_email", lambda **kwargs: queued.append(kwargs)
    )
    with django_capture_on_commit_callbacks(execute=True):
        email_send(to=RECIPIENT, template=mail_templates, context={}, attachments=[FILE])
    waiting = QueuedEmail.objects.get()
    assert queued == [{"email_id": waiting.pk}]
    assert waiting.attachments == [list(FILE)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT attachments FROM notifications_queuedemail")
        assert "VCALENDAR" not in cursor.fetchone()[0]


@pytest.mark.django_db
def test_attachment_lands_in_the_outbox_encrypted(
    mail_templates,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        email_send(to=RECIPIENT, template=mail_templates, context={}, attachments=[FILE])
    message = OutboxMessage.objects.get()
    stored = message.attachments.get()
    assert (stored.filename, stored.mimetype) == (FILE[0], FILE[2])
    assert stored.content.replace("\r\n", "\n") == ICS.replace("\r\n", "\n")
    with connection.cursor() as cursor:
        cursor.execute("SELECT filename, content FROM notifications_outboxattachment")
        filename, content = cursor.fetchone()
    for column in (filename, content):
        assert column.startswith("t1$")
        assert "ABCD2345" not in column and "VCALENDAR" not in column


@pytest.mark.django_db
def test_mail_without_attachments_stores_none(
    mail_templates,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        email_send(to=RECIPIENT, template=mail_templates, context={})
    assert OutboxMessage.objects.count() == 1
    assert OutboxAttachment.objects.count() == 0


@pytest.mark.django_db
def test_attachment_download_only_in_demo_mode(towns, nor_client):
    message = OutboxMessage.objects.create(recipients=RECIPIENT, subject="Termin", body="Hallo")
    stored = OutboxAttachment.objects.create(
        message=message, filename=FILE[0], content=ICS, mimetype=FILE[2]
    )
    url = f"/demo/postausgang/anhang/{stored.pk}/"
    with override_settings(RATHAUS_DEMO=True):
        page = nor_client.get("/demo/postausgang/")
        download = nor_client.get(url)
        missing = nor_client.get(f"/demo/postausgang/anhang/{stored.pk + 1}/")
    assert page.status_code == 200
    assert FILE[0] in page.content.decode() and f'href="{url}"' in page.content.decode()
    assert download.status_code == 200
    assert download["Content-Type"] == "text/calendar; method=PUBLISH; charset=utf-8"
    assert download.content.decode() == ICS
    assert missing.status_code == 404
    with override_settings(RATHAUS_DEMO=False):
        hidden = nor_client.get(url)
        hidden_page = nor_client.get("/demo/postausgang/")
    assert hidden.status_code == 404 and "VCALENDAR" not in hidden.content.decode()
    assert hidden_page.status_code == 404
