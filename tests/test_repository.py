"""The repository itself: nothing half-merged is committed."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFLICT = re.compile(rb"^(<{7} |>{7} |={7}$)", re.MULTILINE)


def test_no_tracked_file_keeps_a_merge_conflict_marker():
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    marked = []
    for name in filter(None, listed):
        path = ROOT / name.decode()
        if path.is_file() and path.stat().st_size < 2_000_000:
            data = path.read_bytes()
            if b"\0" not in data and CONFLICT.search(data):
                marked.append(name.decode())
    assert marked == []
