"""Production settings are checked in a fresh interpreter, as a server process would load them."""

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
REQUIRED = {
    "SECRET_KEY": "a-production-like-secret-key-of-enough-length-0123456789",
    "ALLOWED_HOSTS": "rathaus.example.de",
    "DATABASE_URL": "postgres://rathaus@127.0.0.1:5432/rathaus",
    "RATHAUS_ENCRYPTION_KEYS": "k1:" + base64.b64encode(b"k" * 32).decode(),
    "RATHAUS_HASH_KEY": "a-hash-key",
    "RATHAUS_NO_VIRUS_SCANNER": "1",
}
PRINT_SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'debug': s.DEBUG, 'demo': s.RATHAUS_DEMO, 'huey': s.HUEY, "
    "'formatter': s.LOGGING['handlers']['console']['formatter'], "
    "'hosts': s.ALLOWED_HOSTS, 'engine': s.DATABASES['default']['ENGINE'], "
    "'database': {k: s.DATABASES['default'][k] for k in "
    "('CONN_MAX_AGE', 'CONN_HEALTH_CHECKS', 'OPTIONS', 'DISABLE_SERVER_SIDE_CURSORS')}, "
    "'ssl_redirect': s.SECURE_SSL_REDIRECT}))"
)


def _run(code: str, **environment: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in REQUIRED and key not in {"REDIS_URL", "SECURE_SSL_REDIRECT", "CLAMD_SOCKET"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="rathaus.settings.production",
        PYTHONPATH=str(PROJECT_DIR / "src"),
        **environment,
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_starts_with_every_required_variable():
    result = _run(PRINT_SETTINGS, **REQUIRED)
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["debug"] is False
    assert loaded["demo"] is False
    assert loaded["hosts"] == ["rathaus.example.de"]
    # Django's own backend, kept connections checked before use, half-open ones ended by TCP.
    assert loaded["engine"] == "django.db.backends.postgresql"
    assert loaded["database"]["CONN_MAX_AGE"] == 60
    assert loaded["database"]["CONN_HEALTH_CHECKS"] is True
    assert loaded["database"]["OPTIONS"]["keepalives"] == 1
    assert loaded["database"]["OPTIONS"]["tcp_user_timeout"] == 30_000
    assert loaded["database"]["DISABLE_SERVER_SIDE_CURSORS"] is False
    # Values bound by the server; a statement run five times on a connection is prepared.
    assert loaded["database"]["OPTIONS"]["server_side_binding"] is True
    assert loaded["database"]["OPTIONS"]["prepare_threshold"] == 5
    assert loaded["formatter"] == "json"
    assert loaded["ssl_redirect"] is True


def test_refuses_to_start_without_anything_and_names_every_missing_variable():
    result = _run("import django; django.setup()")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "refuse to start" in result.stderr
    for name in REQUIRED:
        assert name in result.stderr


@pytest.mark.parametrize("missing", sorted(REQUIRED))
def test_refuses_to_start_naming_the_one_missing_variable(missing):
    environment = {key: value for key, value in REQUIRED.items() if key != missing}
    result = _run("import django; django.setup()", **environment)
    assert result.returncode != 0
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith("django.core.exceptions.ImproperlyConfigured")
    assert missing in message
    for present in environment:
        assert present not in message


def test_refuses_to_start_without_a_virus_scanner_unless_the_operator_opts_out():
    environment = {
        key: value for key, value in REQUIRED.items() if key != "RATHAUS_NO_VIRUS_SCANNER"
    }
    refused = _run("import django; django.setup()", **environment)
    assert refused.returncode != 0
    assert "CLAMD_SOCKET" in refused.stderr.strip().splitlines()[-1]
    with_scanner = _run("import django; django.setup()", **environment, CLAMD_SOCKET="/run/c.sock")
    assert with_scanner.returncode == 0, with_scanner.stderr


def test_blank_value_counts_as_missing():
    result = _run("import django; django.setup()", **{**REQUIRED, "SECRET_KEY": "   "})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr.strip().splitlines()[-1]


def test_huey_uses_redis_when_redis_url_is_set():
    result = _run(
        PRINT_SETTINGS
        + "\nfrom huey.contrib.djhuey import HUEY\n"
        + "print(type(HUEY).__name__, HUEY.storage.queue_size())",
        **REQUIRED,
        REDIS_URL="redis://127.0.0.1:6379/15",
    )
    assert result.returncode == 0, result.stderr
    settings_line, huey_line = result.stdout.strip().splitlines()
    assert json.loads(settings_line)["huey"]["huey_class"] == "rathaus.core.huey.RedisHuey"
    # The worker and the web process really reach Redis (queue_size asks the server).
    huey_class, queue_size = huey_line.split()
    assert huey_class == "RedisHuey"
    assert int(queue_size) >= 0


def test_huey_uses_sqlite_without_redis_url(tmp_path):
    result = _run(
        PRINT_SETTINGS + "\nfrom huey.contrib.djhuey import HUEY\nprint(type(HUEY).__name__)",
        **REQUIRED,
        RATHAUS_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    settings_line, huey_class = result.stdout.strip().splitlines()
    huey = json.loads(settings_line)["huey"]
    assert huey["huey_class"] == "rathaus.core.huey.PrivateSqliteHuey"
    assert huey["filename"] == str(tmp_path / "huey.sqlite3")
    assert huey_class == "PrivateSqliteHuey"


def test_ssl_redirect_can_be_switched_off_behind_a_proxy_that_terminates_tls():
    result = _run(PRINT_SETTINGS, **REQUIRED, SECURE_SSL_REDIRECT="0")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["ssl_redirect"] is False


def test_the_documented_web_server_serves_the_app_over_http(tmp_path):
    """``granian --interface wsgi rathaus.wsgi:application`` (docs/operations.md) starts with the
    production settings and answers over real HTTP; /healthz needs no database."""
    import socket
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL"}}
    env.update(
        REQUIRED,
        DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        RATHAUS_VAR_DIR=str(tmp_path),
        SECURE_SSL_REDIRECT="0",
        PYTHONPATH=str(PROJECT_DIR / "src"),
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)  # rathaus.wsgi defaults to the production settings
    command = [sys.executable, "-m", "granian", "--interface", "wsgi", "rathaus.wsgi:application"]
    server = subprocess.Popen(
        [
            *command,
            *("--host", "127.0.0.1", "--port", str(port), "--workers", "1"),
            *("--blocking-threads", "2", "--runtime-mode", "st", "--no-ws"),
        ],
        env=env,
        cwd=PROJECT_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/healthz", headers={"Host": "rathaus.example.de"}
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(request, timeout=2) as response:
                    body, headers = response.read(), response.headers
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()[-2000:]
                assert time.monotonic() < deadline, "the server did not answer in 30 s"
                time.sleep(0.2)
        assert json.loads(body) == {"status": "ok"}
        assert "default-src 'self'" in headers["Content-Security-Policy"]
    finally:
        server.terminate()
        server.wait(timeout=15)


def test_loading_the_wsgi_application_loads_the_views_and_freezes_start_up_objects():
    code = (
        "import gc, sys; import rathaus.wsgi; "
        "print(gc.get_freeze_count() > 0, 'rathaus.backoffice.views' in sys.modules)"
    )
    result = _run(code, **REQUIRED)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]


def test_trusted_proxies_are_read_from_the_environment():
    result = _run(
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.RATHAUS_TRUSTED_PROXIES)",
        **REQUIRED,
        RATHAUS_TRUSTED_PROXIES="127.0.0.1, 10.0.0.0/8",
    )
    assert result.returncode == 0, result.stderr
    assert "IPv4Network('127.0.0.1/32')" in result.stdout
    assert "IPv4Network('10.0.0.0/8')" in result.stdout


def test_pgbouncer_in_transaction_mode_turns_off_server_side_cursors_and_url_options_win():
    result = _run(
        PRINT_SETTINGS,
        **{
            **REQUIRED,
            "DATABASE_URL": REQUIRED["DATABASE_URL"] + "?keepalives_idle=5",
            "DB_DISABLE_SERVER_SIDE_CURSORS": "1",
        },
    )
    assert result.returncode == 0, result.stderr
    database = json.loads(result.stdout)["database"]
    assert database["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert database["OPTIONS"]["keepalives_idle"] == 5


def test_prepared_statements_can_be_turned_off_for_an_old_pgbouncer():
    result = _run(PRINT_SETTINGS, **{**REQUIRED, "DB_PREPARED_STATEMENTS": "0"})
    assert result.returncode == 0, result.stderr
    options = json.loads(result.stdout)["database"]["OPTIONS"]
    assert options["server_side_binding"] is True  # unnamed statements pass any pooler
    assert "prepare_threshold" not in options  # Django's default: never prepared


def test_an_sqlite_database_url_gets_the_concurrent_sqlite_backend(tmp_path):
    database = f"sqlite:///{tmp_path / 'rathaus.sqlite3'}"
    result = _run(PRINT_SETTINGS, **{**REQUIRED, "DATABASE_URL": database})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["engine"] == "rathaus.core.db.sqlite3"


def test_server_errors_are_logged_and_client_errors_are_not():
    # Django's own call for every answer of 400 and more (django.core.handlers.base).
    code = (
        "import django; django.setup(); from django.http import HttpResponse; "
        "from django.utils.log import log_response; "
        "log_response('Conflict: %s', '/api/v1/holds', response=HttpResponse(status=409)); "
        "log_response('Internal Server Error: %s', '/x', response=HttpResponse(status=500))"
    )
    result = _run(code, **REQUIRED)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    assert [(line["level"], line["message"], line["status_code"]) for line in lines] == [
        ("ERROR", "Internal Server Error: /x", 500)
    ]
