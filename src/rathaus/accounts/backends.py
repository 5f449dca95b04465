from django.contrib.auth.backends import ModelBackend

from .models import email_digest


class EmailBackend(ModelBackend):
    """Authenticates by e-mail address, looked up through its keyed hash."""

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        email = email or username
        if not email or password is None:
            return None
        digest = email if "@" not in email else email_digest(email)
        return super().authenticate(request, username=digest, password=password, **kwargs)
