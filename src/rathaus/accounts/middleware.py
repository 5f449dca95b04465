import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout

from .constants import SESSION_LAST_SEEN

# The last-seen second is written back to the session at most this often, so that most requests
# cause no session UPDATE. The stored value may therefore lag the latest request by up to this
# many seconds, which can only make the idle timeout end earlier, never later (see below).
LAST_SEEN_WRITE_INTERVAL = 60


def last_seen_write_interval(idle_timeout: int) -> int:
    """How stale the stored last-seen second may get: at most a minute, and at most a quarter of
    the idle timeout (so that a short timeout still sees every active session refreshed)."""
    return max(0, min(LAST_SEEN_WRITE_INTERVAL, idle_timeout // 4))


class SessionIdleTimeoutMiddleware:
    """Logs out a session that has seen no request for ``SESSION_IDLE_TIMEOUT`` seconds.

    The last-seen second is only rewritten once it is older than ``last_seen_write_interval``
    (60 s for the default 30 minutes), so a session ends after between ``timeout - 60 s`` and
    ``timeout`` seconds without a request: the slack never extends a session beyond its timeout.

    A logged-in session is one that names an account (``SESSION_KEY``): the timeout needs no more,
    so a request that never looks at ``request.user`` (a JSON answer such as the street
    suggestions) costs no account query here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if SESSION_KEY in request.session:
            now = int(time.time())
            timeout = settings.SESSION_IDLE_TIMEOUT
            last_seen = request.session.get(SESSION_LAST_SEEN)
            if last_seen is not None and now - last_seen > timeout:
                logout(request)
                request.session["rathaus_session_expired"] = True
            elif last_seen is None or now - last_seen >= last_seen_write_interval(timeout):
                request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)
