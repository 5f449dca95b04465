"""An import inside a function hides a dependency: each one left says why it cannot be at the
top of its module (a comment on the line or the line above), or sits under TYPE_CHECKING."""

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "rathaus"
INDENTED_IMPORT = re.compile(r"^\s+(from \S+ import |import )")


def test_every_import_inside_a_function_says_why():
    unexplained = []
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        lines = path.read_text().splitlines()
        for number, line in enumerate(lines):
            if not INDENTED_IMPORT.match(line):
                continue
            before = lines[number - 1].strip() if number else ""
            explained = "#" in line or before.startswith("#") or "TYPE_CHECKING" in before
            # A run of imports under one comment or guard.
            back = number - 1
            while (
                not explained
                and back >= 0
                and (INDENTED_IMPORT.match(lines[back]) or not lines[back].strip())
            ):
                back -= 1
                previous = lines[back].strip() if back >= 0 else ""
                explained = previous.startswith("#") or "TYPE_CHECKING" in previous
            if not explained:
                unexplained.append(f"{path.relative_to(SRC)}:{number + 1}: {line.strip()}")
    assert unexplained == []
