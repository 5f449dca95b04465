"""`make demo` as a new machine runs it: demo settings, fresh SQLite, the loader twice."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def _manage(*args: str, var_dir: Path) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "REDIS_URL"}
    }
    env.update(DJANGO_SETTINGS_MODULE="rathaus.settings.dev", RATHAUS_VAR_DIR=str(var_dir))
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_demo_database_is_created_and_loaded_twice(tmp_path):
    migrate = _manage("migrate", "--noinput", var_dir=tmp_path)
    assert migrate.returncode == 0, migrate.stderr

    first = _manage("load_demo_data", var_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    second = _manage("load_demo_data", var_dir=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "demo data loaded" in second.stdout

    counts = _manage(
        "shell",
        "-c",
        "from rathaus.tenants.models import Municipality;"
        "from rathaus.accounts.models import User;"
        "print('COUNTS', Municipality.objects.count(), User.objects.filter(is_staff=True).count())",
        var_dir=tmp_path,
    )
    assert counts.returncode == 0, counts.stderr
    line = next(row for row in counts.stdout.splitlines() if row.startswith("COUNTS "))
    _, towns, staff = line.split()
    assert towns == "2"
    assert int(staff) >= 6
    # The demo database file lives where RATHAUS_VAR_DIR points, never in the working tree.
    assert (tmp_path / "rathaus.sqlite3").exists()
