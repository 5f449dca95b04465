from django.conf import settings
from django.urls import reverse

from .constants import SESSION_CONTRAST, SESSION_LARGE_TEXT


def kiosk(request):
    """``kiosk``: the terminal this request comes from (None on the normal site), with the
    visitor's display choices and the idle limits the page's countdown uses."""
    terminal = getattr(request, "kiosk", None)
    if terminal is None:
        return {"kiosk": None}
    session = request.session
    # The countdown runs wherever a visitor has left something; not on an untouched start screen.
    in_use = (
        request.path_info != reverse("kiosk:start")
        or not session.is_empty()
        or bool(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
    )
    return {
        "kiosk_in_use": in_use,
        "kiosk": terminal,
        "kiosk_contrast": bool(session.get(SESSION_CONTRAST)),
        "kiosk_large_text": bool(session.get(SESSION_LARGE_TEXT)),
        "kiosk_idle_seconds": settings.RATHAUS_KIOSK_IDLE_SECONDS,
        "kiosk_countdown_seconds": settings.RATHAUS_KIOSK_COUNTDOWN_SECONDS,
    }
