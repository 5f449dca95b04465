"""CPU time per back-office request, measured in process without a profiler.

Run with the production settings' environment (``SECRET_KEY``, ``ALLOWED_HOSTS``, ``DATABASE_URL``,
``RATHAUS_ENCRYPTION_KEYS``, ``RATHAUS_HASH_KEY``, as ``bench/lib/server.py`` sets them) on a
migrated database with the demo data, ``collectstatic`` done and cases seeded by
``bench.lib.inbox_seed`` (which wrote ``--details-file``)::

    python -m bench.lib.inbox_cpu --details-file var/prof/details.json --requests 300

The Norderstedt demo clerk gets a session with a verified second factor (as after the real login);
each target is then requested through Django's WSGI handler, exactly as a WSGI server calls it,
with the session and CSRF cookies a browser would send. ``time.process_time()`` is read around
each call (the handler, the middleware, the view, the database driver, closing the response);
the targets take turns so that a change in the machine's load touches all of them alike. Prints
median, 95th percentile and mean per target in milliseconds. The HTTP server, the network and
PostgreSQL's own CPU are not included: compare these figures with each other, not with
``bench/run.py``'s.
"""

from __future__ import annotations

import gc
import io
import json
import os
import statistics
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

HOST = "norderstedt.localhost"
INBOX = "/verwaltung/"


def target_paths(search: dict) -> dict[str, str]:
    return {
        "inbox_first_page": INBOX,
        "inbox_status": f"{INBOX}?{urlencode({'status': 'in_review'})}",
        "search_reference": f"{INBOX}?{urlencode({'search': search['reference']})}",
        "search_ref_prefix": f"{INBOX}?{urlencode({'search': search['reference_prefix']})}",
        "search_name": f"{INBOX}?{urlencode({'search': search['name']})}",
        "case_page": f"{INBOX}faelle/{search['reference']}/",
    }


def session_cookies(email: str) -> dict[str, str]:
    """A logged-in session for ``email`` with its confirmed TOTP device verified."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY

    from rathaus.accounts.models import TOTPDevice, User, email_digest

    user = User.objects.get(email_digest=email_digest(email))
    session = SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = "rathaus.accounts.backends.EmailBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user, confirmed=True).persistent_id
    session.save()
    return {settings.SESSION_COOKIE_NAME: session.session_key}


class WsgiCaller:
    def __init__(self, host: str, cookies: dict[str, str]):
        from django.core.handlers.wsgi import WSGIHandler

        self.handler = WSGIHandler()
        self.host = host
        self.cookies = dict(cookies)

    def environ(self, path: str, method: str = "GET", body: bytes = b"", content_type: str = ""):
        parts = urlsplit(path)
        environ = {
            "REQUEST_METHOD": method,
            "SCRIPT_NAME": "",
            "PATH_INFO": parts.path,
            "QUERY_STRING": parts.query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": self.host,
            "HTTP_ACCEPT_LANGUAGE": "de",
            "HTTP_USER_AGENT": "rathaus-bench",
            "HTTP_COOKIE": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        if body or method != "GET":
            environ["CONTENT_LENGTH"] = str(len(body))
        if content_type:
            environ["CONTENT_TYPE"] = content_type
        return environ

    def get(self, path: str) -> tuple[str, list[tuple[str, str]], bytes]:
        """One GET; the cookies the answer sets are kept for the next."""
        return self.request("GET", path)

    def request(
        self, method: str, path: str, body: bytes = b"", content_type: str = ""
    ) -> tuple[str, list[tuple[str, str]], bytes]:
        """One request; the cookies the answer sets are kept for the next."""
        started: dict = {}

        def start_response(status, headers, exc_info=None):
            started["status"], started["headers"] = status, headers

        result = self.handler(self.environ(path, method, body, content_type), start_response)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        for name, value in started["headers"]:
            if name.lower() == "set-cookie":
                for key, morsel in SimpleCookie(value).items():
                    self.cookies[key] = morsel.value
        return started["status"], started["headers"], body


def measure(
    caller: WsgiCaller, paths: dict[str, str], *, requests: int, warmup: int = 5
) -> dict[str, list[float]]:
    for path in paths.values():
        for _ in range(warmup):
            status, _headers, _body = caller.get(path)
            if not status.startswith("200"):
                raise RuntimeError(f"{path} answered {status}")
    times: dict[str, list[float]] = {name: [] for name in paths}
    for _ in range(requests):
        for name, path in paths.items():
            before = time.process_time()
            status, _headers, _body = caller.get(path)
            times[name].append((time.process_time() - before) * 1000)
            if not status.startswith("200"):
                raise RuntimeError(f"{path} answered {status}")
    return times


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 2),
        "mean_ms": round(statistics.fmean(ordered), 2),
    }


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="CPU time per back-office request, in process.")
    parser.add_argument("--details-file", type=Path, required=True)
    parser.add_argument("--requests", type=int, default=200, help="per target")
    parser.add_argument("--only", nargs="*", default=None, help="target names")
    parser.add_argument("--output", type=Path, default=None, help="write the samples as JSON")
    parser.add_argument("--save-pages", type=Path, default=None, help="write each body here")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rathaus.settings.production")
    import django

    django.setup()
    details = json.loads(args.details_file.read_text())
    paths = target_paths(details["search"])
    if args.only:
        paths = {name: path for name, path in paths.items() if name in args.only}
    caller = WsgiCaller(HOST, session_cookies(details["login"]["email"]))
    if args.save_pages:
        args.save_pages.mkdir(parents=True, exist_ok=True)
        for name, path in paths.items():
            (args.save_pages / f"{name}.html").write_bytes(caller.get(path)[2])
    gc.collect()
    times = measure(caller, paths, requests=args.requests)
    print(f"{'target':<20} {'median':>8} {'p95':>8} {'mean':>8}   CPU ms per request")
    for name, samples in times.items():
        figures = summary(samples)
        print(
            f"{name:<20} {figures['median_ms']:>8.2f} {figures['p95_ms']:>8.2f} "
            f"{figures['mean_ms']:>8.2f}"
        )
    if args.output:
        args.output.write_text(json.dumps(times) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
