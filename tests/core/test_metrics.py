"""/metrics (core.metrics): protected, counted by route name, the database's state, tasks; and the
request id (core.request_id) on answers, log records and the tasks a request starts."""

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from huey.contrib.djhuey import HUEY

from rathaus.core.request_id import RequestIdFilter, request_id_reset, request_id_set
from tests.accounts.factories import citizen_create
from tests.cases.conftest import draft_make, submitted_make

PROJECT_DIR = Path(__file__).resolve().parents[2]
TOKEN = "metrics-token-0123456789"
seen_request_ids = []


@HUEY.task()
def remember_request_id():
    from rathaus.core.request_id import request_id_current  # the id while the task runs

    seen_request_ids.append(request_id_current())


@HUEY.task()
def fail_always():
    raise RuntimeError("no personal data here")


def _scrape(client) -> str:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def _sample(text: str, name: str, **labels) -> float:
    """The value of the one sample of ``name`` whose labels include ``labels``."""
    for line in text.splitlines():
        match = re.fullmatch(rf"{name}\{{(.*)\}} (\S+)", line)
        if match and all(f'{key}="{value}"' in match[1] for key, value in labels.items()):
            return float(match[2])
    return 0.0


def test_without_a_token_configured_the_page_does_not_exist(client, settings):
    settings.RATHAUS_METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


@pytest.mark.django_db
def test_only_the_configured_bearer_token_opens_the_page(client, settings):
    settings.RATHAUS_METRICS_TOKEN = TOKEN
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer metrics-token-0123456788")
    assert wrong.status_code == 401
    assert wrong["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/metrics", HTTP_AUTHORIZATION=TOKEN).status_code == 401
    assert "rathaus_task_queue_length" in _scrape(client)


@pytest.mark.django_db
def test_requests_are_counted_by_route_and_the_state_by_town_without_personal_data(
    client, nor_client, settings, towns
):
    settings.RATHAUS_METRICS_TOKEN = TOKEN
    before = _scrape(client)
    citizen = citizen_create(given_name="Zacharias", family_name="Quastenflosser")
    nor_client.force_login(citizen)
    assert nor_client.get("/").status_code == 200
    assert nor_client.get("/anliegen/meine/NOR-2026-999999/?q=Quastenflosser").status_code == 404
    assert nor_client.get("/gibt-es-nicht/Quastenflosser/").status_code == 404

    text = _scrape(client)
    home = {"view": "web:home", "method": "GET", "status": "200"}
    assert _sample(text, "rathaus_http_requests_total", **home) == (
        _sample(before, "rathaus_http_requests_total", **home) + 1
    )
    assert _sample(text, "rathaus_http_request_duration_seconds_count", view="web:home") >= 1
    assert _sample(text, "rathaus_http_requests_total", view="<unresolved>", status="404") >= 1
    lowered = text.lower()
    for personal in ("quastenflosser", "zacharias", "nor-2026-999999", "gibt-es-nicht"):
        assert personal not in lowered
    # The database's state, per town: the demo towns have no case yet, so no sample.
    assert "# TYPE rathaus_cases gauge" in text
    assert "# TYPE rathaus_bookings gauge" in text
    assert "# TYPE rathaus_payments gauge" in text


@pytest.mark.django_db
def test_cases_are_counted_by_town_and_status(client, settings, towns):
    settings.RATHAUS_METRICS_TOKEN = TOKEN
    norderstedt, reinbek = towns
    applicant = citizen_create()
    draft_make(municipality=norderstedt, actor=applicant)
    submitted_make(municipality=norderstedt, actor=applicant)
    submitted_make(municipality=reinbek, actor=applicant)
    text = _scrape(client)
    assert _sample(text, "rathaus_cases", municipality="norderstedt", status="draft") == 1
    assert _sample(text, "rathaus_cases", municipality="norderstedt", status="submitted") == 1
    assert _sample(text, "rathaus_cases", municipality="reinbek", status="submitted") == 1
    assert _sample(text, "rathaus_cases", municipality="reinbek", status="draft") == 0


@pytest.mark.django_db
def test_tasks_are_counted_by_outcome(client, settings):
    settings.RATHAUS_METRICS_TOKEN = TOKEN
    done = remember_request_id.task_class.__name__
    failed = fail_always.task_class.__name__
    before = _scrape(client)
    remember_request_id()
    fail_always()  # logged by the queue, not raised to the caller
    text = _scrape(client)
    for task, outcome in ((done, "complete"), (failed, "error")):
        count = _sample(text, "rathaus_tasks_total", task=task, outcome=outcome)
        assert count == _sample(before, "rathaus_tasks_total", task=task, outcome=outcome) + 1


def test_the_answer_names_its_request_id(client):
    response = client.get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    from_proxy = client.get("/healthz", HTTP_X_REQUEST_ID="5f1d2c3b-nginx-0001")
    assert from_proxy["X-Request-ID"] == "5f1d2c3b-nginx-0001"
    forged = client.get("/healthz", HTTP_X_REQUEST_ID="x\nlevel=ERROR fake line")
    assert re.fullmatch(r"[0-9a-f]{32}", forged["X-Request-ID"])


def test_log_records_and_the_tasks_a_request_starts_carry_its_id():
    record = logging.LogRecord("rathaus.test", logging.INFO, __file__, 1, "x", (), None)
    token = request_id_set("0123456789abcdef")
    try:
        RequestIdFilter().filter(record)
        seen_request_ids.clear()
        remember_request_id()
    finally:
        request_id_reset(token)
    assert record.request_id == "0123456789abcdef"
    assert seen_request_ids == ["0123456789abcdef"]

    seen_request_ids.clear()
    result = remember_request_id()  # started by no request: the task's own id
    assert seen_request_ids == [f"task-{result.id}"]


def test_several_processes_add_up(tmp_path):
    """A finished process counted its requests into PROMETHEUS_MULTIPROC_DIR; the page of another
    one shows the sum of both."""
    folder = tmp_path / "metrics"
    folder.mkdir()
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="rathaus.settings.test",
        PROMETHEUS_MULTIPROC_DIR=str(folder),
        RATHAUS_METRICS_TOKEN=TOKEN,
        PYTHONPATH=str(PROJECT_DIR / "src"),
    )
    requests = (
        "import django; django.setup(); from django.test import Client; c = Client(); "
        "[c.get('/healthz') for _ in range(3)]; "
    )
    # These processes have no database tables: only the processes' counters are read.
    scrape = (
        "from rathaus.core import metrics; metrics.STATE_SOURCES.clear(); "
        f"print(c.get('/metrics', HTTP_AUTHORIZATION='Bearer {TOKEN}').content.decode())"
    )
    outputs = []
    for code in (requests, requests + scrape):
        run = subprocess.run(
            [sys.executable, "-c", code],
            env=env,
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert run.returncode == 0, run.stderr
        outputs.append(run.stdout)
    sample = _sample(outputs[1], "rathaus_http_requests_total", view="<unresolved>", status="200")
    assert sample == 6
