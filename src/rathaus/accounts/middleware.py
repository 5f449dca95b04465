import time

from django.conf import settings
from django.contrib.auth import logout

from .constants import SESSION_LAST_SEEN


class SessionIdleTimeoutMiddleware:
    """Logs out a session that has seen no request for ``SESSION_IDLE_TIMEOUT`` seconds."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(SESSION_LAST_SEEN, now)
            if now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                request.session["rathaus_session_expired"] = True
            else:
                request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)
