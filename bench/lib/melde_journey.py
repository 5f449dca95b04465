"""One citizen's electronic Meldebescheinigung over HTTP, as a browser does it, from the request to
the PDF (scenario ``meldebescheinigung``).

A client holds a logged-in session (trust level "high") and its CSRF cookie and token, taken once
from the start page like a browser's first visit. A journey is the requests a browser sends,
following every redirect:

1. POST ``/anliegen/meldebescheinigung/start/`` → 302 to the first question;
2. GET and POST ``…/angaben/`` (for whom: myself; simple; electronic) → 200, 302;
3. GET and POST ``…/pruefen/`` (declaration, idempotency key) → 200, 302 to the confirmation
   (the system decides and issues the PDF within this request);
4. GET the confirmation → 200 with the reference number and the certificate's link (the system
   decided at once, so the confirmation offers the document itself);
5. GET the certificate → 200, the PDF.

Seven requests. Until 2026-12-05 the certificate was offered on the case page only, and the
journey went there first (``/anliegen/meine/<reference>/``); until later that day the person and
the kind of certificate were asked on two pages (``…/person/``, ``…/art/``): ten requests, then
nine.

A journey counts as a certificate only when the last answer is a PDF (``%PDF-``).
"""

from __future__ import annotations

import html
import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from bench.lib.http import Connection, HttpError

START = "/anliegen/meldebescheinigung/start/"
FORM = "application/x-www-form-urlencoded"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CSRF_COOKIE = re.compile(r"csrftoken=([^;]+)")
REFERENCE = re.compile(r'class="[^"]*\brh-reference\b[^"]*">([^<]+)<')
STEPS = (
    "start",
    "details_get",
    "details_post",
    "check_get",
    "check_post",
    "confirmation",
    "pdf",
)


class JourneyFailed(RuntimeError):
    """A step did not answer as the journey expects (wrong status, missing link or token)."""

    def __init__(self, step: str, message: str):
        super().__init__(f"{step}: {message}")
        self.step = step


def csrf_token(page: str) -> str:
    match = CSRF_INPUT.search(page)
    if match is None:
        raise ValueError("no CSRF token in the page")
    return match.group(1)


def hidden_value(page: str, name: str) -> str:
    """The value of the input named ``name`` (any attribute order), HTML-unescaped; "" if none."""
    for tag in re.findall(r"<input\b[^>]*>", page):
        if re.search(rf'\bname="{re.escape(name)}"', tag):
            value = re.search(r'\bvalue="([^"]*)"', tag)
            return html.unescape(value.group(1)) if value else ""
    return ""


def reference_number(page: str) -> str:
    match = REFERENCE.search(page)
    if match is None:
        raise ValueError("no reference number on the confirmation page")
    return match.group(1).strip()


def certificate_link(page: str, reference: str) -> str:
    match = re.search(
        rf'href="(/anliegen/meine/{re.escape(reference)}/dokumente/[0-9a-f-]+/)"', page
    )
    if match is None:
        raise ValueError("no certificate on the confirmation page")
    return match.group(1)


def location_path(location: str) -> str:
    """A redirect's target as a path (Django answers relative ones; an absolute one is cut)."""
    parts = urlsplit(location)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@dataclass
class Journey:
    """The outcome of one journey: seconds per step, and the whole."""

    steps: dict[str, float] = field(default_factory=dict)
    total: float = 0.0
    pdf_bytes: int = 0


async def client_open(base_url: str, *, host: str, session: dict[str, str]) -> tuple:
    """A browser's first visit to the start page with its session: the CSRF cookie and token.
    Returns a keep-alive connection sending session and CSRF cookie, and the token."""
    async with Connection(base_url, host=host, cookies=session, timeout=30) as first:
        response = await first.get(START)
    match = CSRF_COOKIE.search(response.headers.get("set-cookie", ""))
    text = response.body.decode("utf-8", "replace")
    if response.status != 200 or match is None:
        raise RuntimeError(f"start page answered {response.status} without a CSRF cookie")
    cookies = {**session, "csrftoken": match.group(1)}
    return Connection(base_url, host=host, cookies=cookies, timeout=30), csrf_token(text)


async def journey_run(connection: Connection, token: str) -> Journey:
    """Request an electronic simple Meldebescheinigung for oneself, down to the PDF."""
    result = Journey()
    begin = time.perf_counter()

    async def step(name: str, method: str, path: str, form: dict | None = None, expect=200):
        started = time.perf_counter()
        try:
            if method == "GET":
                response = await connection.get(path)
            else:
                body = urlencode({"csrfmiddlewaretoken": token, **(form or {})}).encode()
                response = await connection.request("POST", path, body, FORM)
        except HttpError as exc:
            raise JourneyFailed(name, str(exc)) from exc
        result.steps[name] = time.perf_counter() - started
        if response.status != expect:
            raise JourneyFailed(name, f"HTTP {response.status}, expected {expect}")
        return response

    def text(response) -> str:
        return response.body.decode("utf-8", "replace")

    def goto(response) -> str:
        return location_path(response.headers.get("location", ""))

    details = goto(await step("start", "POST", START, expect=302))
    page = text(await step("details_get", "GET", details))
    form = {
        "applicant_name": hidden_value(page, "applicant_name"),
        "subject": "self",
        "kind": "simple",
        "delivery": "electronic",
    }
    check = goto(await step("details_post", "POST", details, form, 302))
    page = text(await step("check_get", "GET", check))
    key = hidden_value(page, "idempotency_key")
    form = {"idempotency_key": key, "declaration": "on"}
    confirmation = goto(await step("check_post", "POST", check, form, 302))
    page = text(await step("confirmation", "GET", confirmation))
    try:
        link = certificate_link(page, reference_number(page))
    except ValueError as exc:
        raise JourneyFailed("confirmation", str(exc)) from exc
    pdf = await step("pdf", "GET", link)
    if not pdf.body.startswith(b"%PDF-"):
        raise JourneyFailed("pdf", "the answer is not a PDF")
    result.pdf_bytes = len(pdf.body)
    result.total = time.perf_counter() - begin
    return result
