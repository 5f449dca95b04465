"""The operations guide's reference stays complete: every environment variable the settings read
is explained in docs/operations.md and listed in the example environment file the systemd units
read (deploy/rathaus.env.example)."""

import configparser
import re
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
SETTINGS = PROJECT_DIR / "src" / "rathaus" / "settings"
READ = re.compile(
    r'(?:os\.environ\.get|os\.environ\.setdefault|env_bool|env_list)\(\s*"([A-Z][A-Z0-9_]+)"'
    r'|os\.environ\[\s*"([A-Z][A-Z0-9_]+)"\s*\]'
)
# Read by the metrics client library itself (rathaus.core.metrics explains it).
READ_ELSEWHERE = {"PROMETHEUS_MULTIPROC_DIR"}


def _variables() -> set[str]:
    names = set(READ_ELSEWHERE)
    for path in SETTINGS.glob("*.py"):
        for match in READ.finditer(path.read_text()):
            names.add(match[1] or match[2])
    return names


def test_the_settings_read_the_variables_this_test_expects():
    names = _variables()
    assert {"SECRET_KEY", "DATABASE_URL", "RATHAUS_BZR_CONNECTOR", "REDIS_URL"} <= names


def test_every_variable_is_explained_in_the_operations_guide():
    guide = (PROJECT_DIR / "docs" / "operations.md").read_text()
    assert sorted(name for name in _variables() if f"`{name}`" not in guide) == []


def test_every_variable_is_in_the_example_environment_file():
    example = (PROJECT_DIR / "deploy" / "rathaus.env.example").read_text()
    assert sorted(name for name in _variables() if name not in example) == []


def test_the_systemd_units_run_the_production_settings_from_the_environment_file():
    for unit in ("rathaus-web.service", "rathaus-worker.service"):
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        parser.optionxform = str
        text = (PROJECT_DIR / "deploy" / unit).read_text()
        parser.read_string(text)
        service = parser["Service"]
        assert service["User"] == "rathaus"
        assert service["EnvironmentFile"] == "/etc/rathaus/rathaus.env"
        assert service["UMask"] == "0077"
        # Environment= may be given several times; configparser keeps only the last.
        assert "Environment=DJANGO_SETTINGS_MODULE=rathaus.settings.production " in text
