"""Prometheus metrics at ``/metrics``, with the official client library (prometheus-client).

* ``rathaus_http_requests_total{view,method,status}`` and
  ``rathaus_http_request_duration_seconds{view}``: every request, named by its URL pattern's name
  (``cases:case_detail``), never by its path, which may hold a reference or a search;
* ``rathaus_tasks_total{task,outcome}``: background tasks finished (``complete``, ``error``,
  ``retrying``), counted in the process that ran them;
* ``rathaus_task_queue_length`` and ``rathaus_task_queue_scheduled``: read from the queue when
  scraped;
* ``rathaus_cases``, ``rathaus_bookings``, ``rathaus_payments`` ``{municipality,status}``: counted
  in the database when scraped (``STATE_SOURCES``).

Labels are route names, statuses, task names and the municipality's short name: no personal data.
The page answers only a request with ``Authorization: Bearer <RATHAUS_METRICS_TOKEN>``; without a
configured token it does not exist (404). With several processes (Granian workers, the Huey
worker) set ``PROMETHEUS_MULTIPROC_DIR`` to one empty folder per machine, cleared when the service
starts: every process writes its counters there and the page adds them up.
"""

from __future__ import annotations

import hmac
import os
import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string
from huey import signals
from huey.contrib.djhuey import HUEY
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

PATH = "/metrics"
UNRESOLVED = "<unresolved>"

# Functions returning (municipality short name, status, count) rows, named as strings so this
# bottom layer needs no import of the apps above it.
STATE_SOURCES = {
    "rathaus_cases": ("Cases by status", "rathaus.cases.selectors.case_state_counts"),
    "rathaus_bookings": (
        "Appointment bookings by status",
        "rathaus.appointments.selectors.booking_state_counts",
    ),
    "rathaus_payments": ("Payments by status", "rathaus.payments.selectors.payment_state_counts"),
}

REQUESTS = Counter("rathaus_http_requests", "HTTP requests answered", ["view", "method", "status"])
DURATION = Histogram(
    "rathaus_http_request_duration_seconds",
    "Time from the request's arrival in Django to its answer",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
TASKS = Counter("rathaus_tasks", "Background tasks finished", ["task", "outcome"])


@HUEY.signal(signals.SIGNAL_COMPLETE, signals.SIGNAL_ERROR, signals.SIGNAL_RETRYING)
def _task_finished(signal, task, exc=None):
    TASKS.labels(task=task.name, outcome=signal).inc()


class StateCollector:
    """What the database and the queue hold at the moment of the scrape."""

    def collect(self):
        for name, (documentation, dotted) in STATE_SOURCES.items():
            family = GaugeMetricFamily(name, documentation, labels=["municipality", "status"])
            for municipality, status, count in import_string(dotted)():
                family.add_metric([municipality, status], count)
            yield family
        yield GaugeMetricFamily(
            "rathaus_task_queue_length", "Tasks waiting in the queue", value=HUEY.pending_count()
        )
        yield GaugeMetricFamily(
            "rathaus_task_queue_scheduled",
            "Tasks scheduled for later",
            value=HUEY.scheduled_count(),
        )


def metrics_text() -> bytes:
    """The exposition text of every process's counters plus the current state."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        for collector in (REQUESTS, DURATION, TASKS):
            registry.register(collector)
    registry.register(StateCollector())
    return generate_latest(registry)


def _authorised(request: HttpRequest) -> bool:
    token = settings.RATHAUS_METRICS_TOKEN
    offered = request.headers.get("Authorization", "")
    return hmac.compare_digest(offered.encode(), f"Bearer {token}".encode())


class MetricsMiddleware:
    """Counts and times every request, and answers ``/metrics`` before host resolution (the
    scraper is no municipality's visitor). Outermost, so it times the whole stack."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == PATH:
            return self._metrics(request)
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name if match else "") or UNRESOLVED
        REQUESTS.labels(view=view, method=request.method, status=str(response.status_code)).inc()
        DURATION.labels(view=view).observe(time.perf_counter() - started)
        return response

    def _metrics(self, request: HttpRequest) -> HttpResponse:
        if not settings.RATHAUS_METRICS_TOKEN:
            return HttpResponse(status=404)
        if not _authorised(request):
            response = HttpResponse("A bearer token is needed.\n", status=401)
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
            return response
        return HttpResponse(metrics_text(), content_type=CONTENT_TYPE_LATEST)
