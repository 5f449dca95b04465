"""Street suggestions as the citizen types (``GET /api/v1/streets?q=…``), with 100,000 residents
per town, versus /healthz of the same server in the same run (issue 13).

``prepare`` (``bench/lib/melde_seed.py``) loads the residents and one logged-in citizen. Targets,
each request the next of every 2- to 8-letter prefix of Norderstedt's street names (and each later
word of a name), in turn:

- ``suggestions``: as the address field's script sends them — no cookies, so the anonymous page
  cache may answer (what a town's citizens type repeats within its 60 seconds);
- ``suggestions_session``: the same with a logged-in session cookie, which the page cache never
  answers: sessions, authentication and the directory query run every time.

Goal: p95 ≤ 50 ms at 32 clients.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from . import Scenario, Target
from .meldebescheinigung import details_file, prepare_with

PATH = "/api/v1/streets"


def targets(server) -> list[Target]:
    details = json.loads(details_file(server).read_text())
    host = details["host"]
    paths = tuple(f"{PATH}?{urlencode({'q': query})}" for query in details["street_queries"])
    session = tuple(sorted(details["sessions"][0].items()))
    return [
        Target(name="suggestions", path=paths[0], host=host, rotate=paths),
        Target(name="suggestions_session", path=paths[0], host=host, rotate=paths, cookies=session),
        Target(name="healthz", path="/healthz", host=host, baseline=True),
    ]


SCENARIO = Scenario(
    name="suggestions",
    description=(
        "Street suggestions (JSON) for what citizens type, anonymous and with a session, "
        "100,000 residents per town, versus /healthz; 32 clients"
    ),
    targets=targets,
    prepare=lambda server: prepare_with(server, citizens=1),
    goals={"max_p95_ms": 50.0},
    clients=32,
)
