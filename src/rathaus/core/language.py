"""The visitor's language choice, kept in Django's language cookie, and the language a stored
choice stands for."""

from django.conf import settings
from django.http import HttpResponse


def language_cookie_set(response: HttpResponse, *, language: str) -> HttpResponse:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def language_supported(language: str | None) -> str:
    """``language`` if the site offers it (``en-gb`` counts as ``en``), else the default."""
    codes = {code for code, _name in settings.LANGUAGES}
    base = (language or "").lower().split("-")[0]
    return base if base in codes else settings.LANGUAGE_CODE
