"""The in-process profiles' one way of profiling a run on CPU time."""

from bench.lib.profiling import cpu_profile


def _busy() -> int:
    return sum(i * i for i in range(20000))


def test_a_run_is_profiled_and_its_statistics_written(tmp_path):
    calls = []
    text = cpu_profile(lambda: calls.append(_busy()), top=10, dump=tmp_path / "run.prof")
    assert calls == [_busy()]  # the run ran once
    assert "_busy" in text
    assert "cumulative" in text and "internal time" in text
    assert (tmp_path / "run.prof").stat().st_size > 0
