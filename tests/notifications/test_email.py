import datetime as dt

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.utils import translation

from rathaus.notifications.models import OutboxMessage, QueuedEmail
from rathaus.notifications.services import email_queue, email_send

RECIPIENT = "erika.mustermann@example.org"


@pytest.fixture
def mail_templates(tmp_path, settings):
    folder = tmp_path / "templates" / "testmail"
    folder.mkdir(parents=True)
    (folder / "hello_subject.txt").write_text("Ihr Anliegen {{ reference }}\n  ist da\n")
    (folder / "hello_body.txt").write_text("Guten Tag,\nsiehe {{ link }}\n")
    engines = [dict(engine) for engine in settings.TEMPLATES]
    engines[0]["DIRS"] = [tmp_path / "templates", *engines[0]["DIRS"]]
    settings.TEMPLATES = engines
    return "testmail/hello"


@pytest.mark.django_db
def test_email_is_queued_after_commit_and_lands_in_the_outbox(
    mail_templates, django_capture_on_commit_callbacks
):
    context = {"reference": "NOR-2026-000001", "link": "https://example.org/x"}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email_send(to=RECIPIENT, template=mail_templates, context=context)
        assert OutboxMessage.objects.count() == 0  # nothing leaves before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    message = OutboxMessage.objects.get()
    assert message.recipients == RECIPIENT
    assert message.subject == "Ihr Anliegen NOR-2026-000001 ist da"  # one line, spaces folded
    assert message.body == "Guten Tag,\nsiehe https://example.org/x\n"


@pytest.mark.django_db
def test_rolled_back_transaction_sends_nothing(mail_templates, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                email_send(to=RECIPIENT, template=mail_templates, context={})
                raise RuntimeError("service failed")
        except RuntimeError:
            pass
    assert callbacks == []
    assert OutboxMessage.objects.count() == 0


@pytest.mark.django_db
def test_outbox_columns_hold_only_ciphertext(mail_templates, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email_send(
            to=RECIPIENT,
            template=mail_templates,
            context={"reference": "NOR-2026-000042", "link": "https://example.org/geheim"},
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT recipients, subject, body FROM notifications_outboxmessage")
        rows = cursor.fetchall()
    assert len(rows) == 1
    for column in rows[0]:
        assert column.startswith("t1$")
        for clear in ("erika", "NOR-2026-000042", "geheim", "Guten Tag"):
            assert clear not in column


@pytest.mark.django_db
def test_demo_outbox_lists_mail_in_demo_mode(towns, nor_client):
    OutboxMessage.objects.create(recipients=RECIPIENT, subject="Termin bestätigt", body="Hallo")
    with override_settings(RATHAUS_DEMO=True):
        response = nor_client.get("/demo/postausgang/")
    assert response.status_code == 200
    assert "Termin bestätigt" in response.content.decode()


@pytest.mark.django_db
def test_demo_outbox_is_404_outside_demo_mode(towns, nor_client):
    OutboxMessage.objects.create(recipients=RECIPIENT, subject="Termin bestätigt", body="Hallo")
    with override_settings(RATHAUS_DEMO=False):
        response = nor_client.get("/demo/postausgang/")
    assert response.status_code == 404
    assert "Termin bestätigt" not in response.content.decode()
    assert RECIPIENT not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "subject"), [("en", "Choose a new password"), ("de", "Neues Passwort wählen")]
)
def test_email_is_written_in_the_language_given(
    language, subject, django_capture_on_commit_callbacks
):
    page_language = "de" if language == "en" else "en"
    with translation.override(page_language), django_capture_on_commit_callbacks(execute=True):
        email_send(
            to=RECIPIENT,
            template="accounts/email/password_reset",
            context={"url": "https://example.org/r", "municipality": None},
            language=language,
        )
    message = OutboxMessage.objects.get()
    assert message.subject == subject
    assert message.body.startswith("Hello," if language == "en" else "Guten Tag,")


@pytest.mark.django_db
def test_queued_mails_bundle_per_recipient(mail_templates, django_capture_on_commit_callbacks):
    window = dt.timedelta(minutes=2)
    with django_capture_on_commit_callbacks(execute=True):
        for to in (RECIPIENT, RECIPIENT, "max@example.org"):
            email_queue(
                to=to,
                template=mail_templates,
                context={"reference": "R", "link": "L"},
                language="de",
                bundle="case-update:1",
                item={"text": "x"},
                window=window,
            )
    assert sorted(len(queued.items) for queued in QueuedEmail.objects.all()) == [1, 2]
    assert RECIPIENT not in "".join(QueuedEmail.objects.values_list("bundle_key", flat=True))
