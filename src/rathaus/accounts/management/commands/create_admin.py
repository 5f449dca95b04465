"""``manage.py create_admin --email …``: the installation's first administrator (a superuser).

Django's ``createsuperuser`` asks for the login identifier, which here is the e-mail address's
keyed hash; this command asks for the address itself. The password is read twice from the
terminal, or from ``DJANGO_SUPERUSER_PASSWORD`` for scripts. The administrator sets up the
authenticator app at the first login, as every member of staff does.
"""

import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from rathaus.accounts.models import email_digest


class Command(BaseCommand):
    help = "Create an administrator (superuser) with an e-mail address and a password."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="the administrator's e-mail address")

    def handle(self, *args, email, **options):
        User = get_user_model()
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CommandError(f"{email!r} is not an e-mail address.") from exc
        if User.objects.filter(email_digest=email_digest(email)).exists():
            raise CommandError("An account with this e-mail address exists already.")
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD") or self._ask_password()
        candidate = User(email=email)
        try:
            validate_password(password, user=candidate)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        with transaction.atomic():
            User.objects.create_superuser(email, password)
        self.stdout.write(
            f"administrator {email} created; set up the authenticator app at the first login"
        )

    def _ask_password(self) -> str:
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return first
