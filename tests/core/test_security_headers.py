"""Security baseline: headers on every page, CSRF on forms, hardened production settings."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

PROJECT_DIR = Path(__file__).resolve().parents[2]

PAGES = ["/", "/impressum/", "/barrierefreiheit/", "/leistungen/", "/konto/anmelden/"]


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_pages_send_security_headers(nor_client, norderstedt, url):
    response = nor_client.get(url)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    directives = csp_directives(csp)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_unknown_host_and_not_found_pages_send_security_headers(client, norderstedt):
    for response in (
        client.get("/", HTTP_HOST="unbekannt.localhost"),
        client.get("/gibt-es-nicht/", HTTP_HOST="norderstedt.localhost"),
    ):
        assert response.status_code == 404
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_post_form_without_csrf_token_is_refused(norderstedt):
    client = Client(enforce_csrf_checks=True, HTTP_HOST="norderstedt.localhost")
    response = client.post(
        "/konto/anmelden/", {"email": "erika@example.org", "password": "irrelevant-here"}
    )
    assert response.status_code == 403
    assert "unsafe-inline" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_post_form_with_csrf_token_is_accepted(norderstedt):
    client = Client(enforce_csrf_checks=True, HTTP_HOST="norderstedt.localhost")
    page = client.get("/konto/anmelden/")
    token = page.context["csrf_token"]
    assert f'name="csrfmiddlewaretoken" value="{token}"' in page.content.decode()
    response = client.post(
        "/konto/anmelden/",
        {"email": "nobody@example.org", "password": "wrong", "csrfmiddlewaretoken": str(token)},
    )
    # Past the CSRF check: the form itself answers (unknown account), not a 403.
    assert response.status_code == 200
    assert "csrfmiddlewaretoken" in response.content.decode()


PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "rathaus.settings.production",
    "SECRET_KEY": "production-test-secret-key-with-enough-length-0123456789",
    "ALLOWED_HOSTS": "rathaus.example",
    "DATABASE_URL": "postgres://rathaus@db.invalid:5432/rathaus",
    "RATHAUS_ENCRYPTION_KEYS": "p1:cHJvZHVjdGlvbi10ZXN0LWtleS0xMjM0NTY3ODkwMTI=",
    "RATHAUS_HASH_KEY": "production-hash-key",
    "RATHAUS_NO_VIRUS_SCANNER": "1",
}

DUMP_SETTINGS = """
import json
import django
from django.conf import settings
django.setup()
print(json.dumps({name: getattr(settings, name) for name in (
    "DEBUG", "RATHAUS_DEMO", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY", "X_FRAME_OPTIONS",
    "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY", "ALLOWED_HOSTS",
)}))
"""


def run_with_production_settings(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    clean["PYTHONPATH"] = str(PROJECT_DIR / "src")
    return subprocess.run(
        [sys.executable, "-c", DUMP_SETTINGS],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_settings_are_hardened():
    result = run_with_production_settings(PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False
    assert values["RATHAUS_DEMO"] is False
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_HTTPONLY"] is True
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert values["SECURE_REFERRER_POLICY"] == "same-origin"
    assert values["ALLOWED_HOSTS"] == ["rathaus.example"]


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = run_with_production_settings(env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr
