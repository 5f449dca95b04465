"""The sizing arithmetic (bench/sizing.py): costs read from each scenario's result, cores rounded
up at the planned utilisation, demand scaled with the population."""

import json

import pytest

from bench import sizing


def test_cost_is_web_plus_database_core_milliseconds():
    cost = sizing.Cost("inbox", "first page", 12.0, 3.0, "x.json")
    assert cost.core_ms == 15.0
    assert cost.per_core_per_second == pytest.approx(1000 / 15)


def test_cores_are_rounded_up_at_the_planned_utilisation():
    cost = sizing.Cost("release_storm", "hold", 4.0, 2.0, "x.json")
    # 360/s × 6 ms = 2.16 busy cores; at 60 % utilisation 3.6 → 4.
    assert sizing.cores_needed(cost, 360.0) == 4
    assert sizing.cores_needed(cost, 0.001) == 1  # never less than one


def test_demand_scales_with_the_population():
    peak = sizing.Peak(per_second=360.0, per=80_000, why="")
    assert peak.demand(80_000) == 360.0
    assert peak.demand(1_000_000) == pytest.approx(4_500.0)


def test_stated_assumptions_match_their_arithmetic():
    # pages: 2 % of 100,000 visit, 8 pages, 15 % in the busiest hour, seconds at 10 × its mean.
    assert sizing.PEAKS["pages"].per_second == pytest.approx(
        100_000 * 0.02 * 8 * 0.15 / 3600 * 10, rel=0.01
    )
    # inbox: a clerk per 2,500 inhabitants, a page every 10 s.
    assert sizing.PEAKS["inbox"].per_second == pytest.approx(100_000 / 2_500 / 10)
    # Briefwahl: 75 % entitled, half by post, half of those online; 10 % on the last day, a
    # quarter of that in the last hour, the busiest minute at 3 × the hour's mean.
    online = 100_000 * 0.75 * 0.5 * 0.5
    assert sizing.PEAKS["briefwahl_rush"].per_second == pytest.approx(
        online * 0.10 * 0.25 / 3600 * 3, rel=0.05
    )
    # Meldebescheinigung: one per 20 inhabitants a year, 250 days, 15 % in the busiest hour, × 5.
    assert sizing.PEAKS["meldebescheinigung"].per_second == pytest.approx(
        100_000 / 20 / 250 * 0.15 / 3600 * 5, rel=0.05
    )


REPORTS = {
    "pages": {
        "results": [
            {"name": "start_page", "server_cpu_ms_per_request": 0.3},
            {
                "name": "service_page",
                "server_cpu_ms_per_request": 0.4,
                "database_cpu_ms_per_request": 0.0,
            },
        ]
    },
    "inbox": {
        "results": [
            {
                "name": "inbox_first_page",
                "server_cpu_ms_per_request": 20.0,
                "database_cpu_ms_per_request": 2.5,
            }
        ]
    },
    "release_storm": {
        "sustained": {"server_cpu_ms_per_request": 3.6, "database_cpu_ms_per_request": 1.5}
    },
    "briefwahl": {
        "rush": {"server_cpu_ms_per_application": 9.0, "database_cpu_ms_per_application": 2.0}
    },
    "meldebescheinigung": {
        "journeys": {
            "server_cpu_ms_per_certificate": 300.0,
            "database_cpu_ms_per_certificate": 40.0,
        }
    },
}


@pytest.mark.parametrize(
    ("scenario", "core_ms"),
    [
        ("pages", 0.4),
        ("inbox", 22.5),
        ("release_storm", 5.1),
        ("briefwahl", 11.0),
        ("meldebescheinigung", 340.0),
    ],
)
def test_each_scenarios_result_gives_its_cost(scenario, core_ms):
    cost = sizing.cost_from({"scenario": scenario, **REPORTS[scenario]}, "r.json")
    assert cost.core_ms == pytest.approx(core_ms)
    assert cost.scenario in sizing.PEAKS


def test_newest_result_of_each_scenario_is_used(tmp_path, capsys):
    for stamp, cost in (("20261201T000000Z", 10.0), ("20261202T000000Z", 20.0)):
        report = {"scenario": "inbox", **REPORTS["inbox"]}
        report["results"][0]["server_cpu_ms_per_request"] = cost
        (tmp_path / f"inbox-{stamp}.json").write_text(json.dumps(report))
    found = sizing.newest_results(tmp_path)
    assert list(found) == ["inbox"] and found["inbox"][1] == "inbox-20261202T000000Z.json"
    assert found["inbox"][0]["results"][0]["server_cpu_ms_per_request"] == 20.0
    lines = sizing.table([sizing.cost_from(found["inbox"][0], found["inbox"][1])])
    assert lines[2].startswith("| inbox | inbox, first page | 20.0 + 2.5 | 44 |")
