from bench.run import judge


def row(name: str, rps: float, p95: float, *, baseline=False, goal=True) -> dict:
    return {"name": name, "rps": rps, "p95_ms": p95, "baseline": baseline, "goal": goal}


def test_a_target_measured_for_information_does_not_decide_the_verdict():
    results = [
        row("inbox_first_page", 150.0, 85.0),
        row("case_page", 100.0, 122.0, goal=False),
        row("healthz", 6000.0, 2.5, baseline=True),
    ]
    ratios, verdict = judge(results, {"max_p95_ms": 100.0})
    assert verdict == {"p95_ok": True}
    # Its figures are still reported.
    assert ratios == {"inbox_first_page/healthz": 0.025, "case_page/healthz": 0.017}


def test_every_target_with_a_goal_must_meet_it():
    results = [
        row("start_page", 6000.0, 9.0),
        row("service_page", 2000.0, 60.0),
        row("healthz", 10000.0, 6.0, baseline=True),
    ]
    ratios, verdict = judge(results, {"max_p95_ms": 50.0, "min_ratio_to_baseline": 0.5})
    assert ratios == {"start_page/healthz": 0.6, "service_page/healthz": 0.2}
    assert verdict == {"p95_ok": False, "ratio_ok": False}


def test_no_goals_no_verdict():
    results = [row("a", 10.0, 1.0), row("healthz", 20.0, 1.0, baseline=True)]
    assert judge(results, {}) == ({"a/healthz": 0.5}, {})
