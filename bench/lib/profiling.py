"""cProfile on CPU time for the in-process profiles (``*_profile.py``): one place for how a run is
profiled and how its statistics are written."""

from __future__ import annotations

import cProfile
import io
import pstats
import time
from collections.abc import Callable
from pathlib import Path


def cpu_profile(run: Callable[[], object], *, top: int, dump: Path | str | None = None) -> str:
    """Profiles ``run()`` on CPU time; returns the ``top`` functions by cumulative time and half as
    many by own time, as text. ``dump``: also the raw statistics there (for ``pstats``)."""
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    run()
    profiler.disable()
    if dump is not None:
        profiler.dump_stats(str(dump))
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top // 2)
    return out.getvalue()
