"""``manage.py create_admin``: the first administrator, by e-mail address and password."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rathaus.accounts.models import User, email_digest

PASSWORD = "a-long-and-unusual-password-4711"


@pytest.mark.django_db
def test_an_administrator_is_created_with_the_address_and_the_password(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("create_admin", "--email", "it@norderstedt.example")
    admin = User.objects.get(email_digest=email_digest("it@norderstedt.example"))
    assert admin.is_superuser and admin.is_staff and admin.email_verified
    assert admin.email == "it@norderstedt.example"
    assert admin.check_password(PASSWORD)


@pytest.mark.django_db
def test_a_second_account_with_the_address_is_refused(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("create_admin", "--email", "it@norderstedt.example")
    with pytest.raises(CommandError, match="exists already"):
        call_command("create_admin", "--email", "IT@norderstedt.example")
    assert User.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("not-an-address", PASSWORD, "not an e-mail address"),
        ("it@norderstedt.example", "short", "10"),  # the validators' minimum length
    ],
)
def test_a_bad_address_or_a_weak_password_is_refused(monkeypatch, email, password, message):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", password)
    with pytest.raises(CommandError, match=message):
        call_command("create_admin", "--email", email)
    assert not User.objects.exists()


@pytest.mark.django_db
def test_the_password_is_asked_twice_when_not_given(monkeypatch):
    monkeypatch.delenv("DJANGO_SUPERUSER_PASSWORD", raising=False)
    answers = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    with pytest.raises(CommandError, match="differ"):
        call_command("create_admin", "--email", "it@norderstedt.example")
    answers = iter([PASSWORD, PASSWORD])
    call_command("create_admin", "--email", "it@norderstedt.example")
    assert User.objects.get().check_password(PASSWORD)
