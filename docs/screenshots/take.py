"""Takes the screenshots in docs/screenshots/ in headless Chromium: `make screenshots` starts the
demo for the time it takes (`--serve PORT`); against a demo that is already running:
`.venv/bin/python docs/screenshots/take.py [http://127.0.0.1:8000]`.

Walks the demo as a visitor would: start page, a service page, a general request up to "check
your answers" (then submitted), "My requests" at 320 px, an appointment up to its confirmation
(the link from the demo outbox), the Leichte Sprache and sign-language pages, the accessibility
feedback form at 320 px, and the back-office inbox after the staff login.
"""

from __future__ import annotations

import binascii
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from django_otp.oath import TOTP
from playwright.sync_api import expect, sync_playwright

OUT = Path(__file__).resolve().parent
ROOT = OUT.parents[1]
CITIZEN = ("erika.mustermann@example.org", "Buerger-Demo-2026")
STAFF = ("sachbearbeitung@norderstedt.example", "Rathaus-Demo-2026")
STAFF_KEY = "3132333435363738393031323334353637383930"
DESKTOP = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 720}


def shot(page, name: str) -> None:
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
    print("wrote", name)


def submit(page) -> None:
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").last.click()


def log_in(page, base: str, email: str, password: str, *, path: str) -> None:
    page.goto(f"{base}/konto/anmelden/?next={path}")
    page.fill("#id_email", email)
    page.fill("#id_password", password)
    submit(page)


def main(port_base: str) -> None:
    parts = urlsplit(port_base)
    base = f"{parts.scheme}://norderstedt.localhost:{parts.port or 80}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True)
        page = browser.new_page(viewport=DESKTOP, locale="de-DE")
        page.goto(base + "/")
        shot(page, "start-page")
        page.goto(base + "/leistungen/personalausweis/")
        shot(page, "service-page")

        log_in(page, base, *CITIZEN, path="/anliegen/allgemeines-anliegen/start/")
        submit(page)
        page.fill("#id_subject", "Laterne defekt")
        page.fill("#id_message", "Die Laterne vor Hausnummer 12 ist seit einer Woche dunkel.")
        submit(page)
        while not page.url.endswith("/pruefen/"):
            radio = page.locator("main input[type=radio]")
            if radio.count():
                radio.first.check()
            for field in page.locator("main input[type=text]:visible").all():
                if not field.input_value():
                    field.fill("Erika Mustermann")
            submit(page)
        shot(page, "check-answers")
        for box in page.locator("main input[type=checkbox]").all():
            box.check()
        submit(page)
        page.set_viewport_size(NARROW)
        page.goto(base + "/anliegen/meine/")
        shot(page, "my-requests-320")
        page.set_viewport_size(DESKTOP)

        page.goto(base + "/termine/")
        booking_walk(page, base)
        shot(page, "appointment-confirmation")

        page.goto(base + "/leichte-sprache/")
        shot(page, "leichte-sprache")
        page.goto(base + "/gebaerdensprache/")
        shot(page, "gebaerdensprache")
        page.set_viewport_size(NARROW)
        page.goto(base + "/barrierefreiheit/rueckmeldung/")
        submit(page)  # empty: the error summary takes focus
        shot(page, "accessibility-feedback-320")
        page.set_viewport_size(DESKTOP)

        staff = browser.new_page(viewport=DESKTOP, locale="de-DE")
        staff.goto(base + "/konto/mitarbeitende/anmelden/?next=/verwaltung/")
        staff.fill("#id_email", STAFF[0])
        staff.fill("#id_password", STAFF[1])
        submit(staff)
        staff.fill("#id_code", f"{TOTP(binascii.unhexlify(STAFF_KEY)).token():06d}")
        submit(staff)
        shot(staff, "backoffice-inbox")
        browser.close()


def booking_walk(page, base: str) -> None:
    """Books the first free time for two services and opens the link from the demo outbox."""
    page.check("input[name=services][value=personalausweis]")
    page.check("input[name=services][value=meldebescheinigung]")
    submit(page)
    page.select_option("#id_count_personalausweis", "2")
    submit(page)
    while "/uhrzeit/" not in page.url:
        page.locator("main input[type=radio]").first.check()
        submit(page)
    # The page solves its proof-of-work in a worker (the CSP forbids evaluating code to wait).
    expect(page.locator("#id_challenge")).not_to_have_value("", timeout=60_000)
    page.locator("main input[type=radio]").first.check()
    submit(page)
    page.fill("#id_name", "Erika Mustermann")
    page.fill("#id_email", CITIZEN[0])
    submit(page)
    # The worker sends the e-mail a moment later: look again until it is in the outbox.
    link = page.locator("article.rh-outbox-message a[href*='/termine/bestaetigen/']").first
    for _attempt in range(30):
        page.goto(base + "/demo/postausgang/")
        if link.count():
            break
        time.sleep(1)
    page.goto(re.sub(r"^https?://[^/]+", base, link.get_attribute("href")))
    submit(page)


def serve(port: str):
    """Starts the demo (web server and worker) in a process group of its own; returns it once
    the start page answers."""
    demo = subprocess.Popen(  # noqa: S603 - our own fixed command line
        [sys.executable, "manage.py", "run_demo", "--port", port],
        cwd=ROOT,
        env={**os.environ, "RATHAUS_PUBLIC_PORT": port},
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _attempt in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).close()
            return demo
        except OSError:
            if demo.poll() is not None:
                raise SystemExit("the demo did not start") from None
            time.sleep(0.5)
    stop(demo)
    raise SystemExit("the demo did not answer within a minute")


def stop(demo) -> None:
    os.killpg(demo.pid, signal.SIGINT)
    try:
        demo.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(demo.pid, signal.SIGKILL)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--serve":
        running = serve(sys.argv[2])
        try:
            main(f"http://127.0.0.1:{sys.argv[2]}")
        finally:
            stop(running)
    else:
        main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
