"""The in-process CPU harness: its verified session opens the back office through the WSGI
handler, and its figures are what they say."""

import pytest
from bench.lib.inbox_cpu import WsgiCaller, measure, session_cookies, summary, target_paths

from tests.accounts.factories import staff_create
from tests.backoffice.conftest import case_make


def test_summary_gives_median_p95_and_mean():
    figures = summary([float(value) for value in range(1, 101)])
    assert figures == {"median_ms": 50.5, "p95_ms": 96.0, "mean_ms": 50.5}


@pytest.mark.django_db
def test_the_verified_session_reaches_every_target(norderstedt, keep_connection):
    clerk = staff_create(municipality=norderstedt, email="cpu@norderstedt.example")
    case = case_make(municipality=norderstedt, name="Erika Mustermann")
    paths = target_paths(
        {"reference": case.reference, "reference_prefix": case.reference[:-2], "name": "Erika X"}
    )
    caller = WsgiCaller("norderstedt.localhost", session_cookies(clerk.email))

    status, _headers, body = caller.get(paths["search_reference"])
    assert status.startswith("200")
    assert case.reference.encode() in body
    times = measure(caller, paths, requests=2, warmup=1)
    assert set(times) == set(paths)
    assert all(len(samples) == 2 and min(samples) >= 0 for samples in times.values())
