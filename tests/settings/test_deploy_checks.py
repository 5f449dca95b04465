"""Rathaus's deployment checks (``manage.py check --deploy``) name each unsafe setting."""

import base64

import pytest
from django.core.checks import run_checks

from rathaus.core import checks
from rathaus.settings.published_keys import DEMO_ENCRYPTION_KEY

from .test_production import REQUIRED, _run

# The checks read the database engine from the settings; no connection is made.
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")

OWN_KEY = "k1:" + base64.b64encode(b"k" * 32).decode()
DEMO_KEY = DEMO_ENCRYPTION_KEY
GOOD = {
    "RATHAUS_ENCRYPTION_KEYS": OWN_KEY,
    "RATHAUS_HASH_KEY": "h" * 40,
    "RATHAUS_DEMO": False,
    "RATHAUS_BZR_CONNECTOR": "towns.connectors.Bzr",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "ALLOWED_HOSTS": ["rathaus.norderstedt.de"],
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "HUEY": {"huey_class": "rathaus.core.huey.RedisHuey", "immediate": False},
    "RATHAUS_FILE_STORE": "filesystem",
}


@pytest.fixture
def production_like(settings, tmp_path, monkeypatch):
    # Whether this machine has the library is not the configuration under test.
    monkeypatch.setattr(checks, "harfbuzz_subset_available", lambda: True)
    for name, value in GOOD.items():
        setattr(settings, name, value)
    settings.DATABASES = {
        **settings.DATABASES,
        "default": {**settings.DATABASES["default"], "ENGINE": "django.db.backends.postgresql"},
    }
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return settings


def _found() -> dict[str, str]:
    return {
        message.id: message.msg
        for message in run_checks(include_deployment_checks=True, tags=["rathaus"])
    }


def test_a_production_like_configuration_passes(production_like):
    assert _found() == {}


def test_the_checks_run_only_for_a_deployment(production_like):
    production_like.RATHAUS_DEMO = True
    assert run_checks(include_deployment_checks=False, tags=["rathaus"]) == []


@pytest.mark.parametrize(
    ("name", "value", "check_id", "words"),
    [
        ("RATHAUS_ENCRYPTION_KEYS", "", "rathaus.E001", "cannot be used"),
        ("RATHAUS_ENCRYPTION_KEYS", "k1:c2hvcnQ=", "rathaus.E001", "32 bytes"),
        ("RATHAUS_ENCRYPTION_KEYS", "k1:not base64!", "rathaus.E001", "cannot be used"),
        ("RATHAUS_ENCRYPTION_KEYS", f"{OWN_KEY},{DEMO_KEY}", "rathaus.E002", "demo1"),
        ("RATHAUS_HASH_KEY", "test-hash-key", "rathaus.E003", "demo or test key"),
        ("RATHAUS_HASH_KEY", "short", "rathaus.E003", "32 characters"),
        ("RATHAUS_DEMO", True, "rathaus.E010", "demo BundID"),
        (
            "RATHAUS_BZR_CONNECTOR",
            "rathaus.procedures.fuehrungszeugnis.connector.DemoBzrConnector",
            "rathaus.W011",
            "sends nothing",
        ),
        (
            "EMAIL_BACKEND",
            "django.core.mail.backends.console.EmailBackend",
            "rathaus.W012",
            "no e-mail leaves",
        ),
        ("ALLOWED_HOSTS", ["*"], "rathaus.E013", "any host name"),
        ("REDIS_URL", "", "rathaus.W021", "one web process"),
        ("HUEY", {"immediate": True}, "rathaus.E022", "inside the web request"),
        ("RATHAUS_FILE_STORE", "s3", "rathaus.E024", "cannot be stored"),
    ],
)
def test_each_unsafe_setting_is_named_in_plain_words(production_like, name, value, check_id, words):
    setattr(production_like, name, value)
    found = _found()
    assert list(found) == [check_id]
    assert words in found[check_id]


def test_sqlite_is_named(production_like):
    production_like.DATABASES = {
        **production_like.DATABASES,
        "default": {**production_like.DATABASES["default"], "ENGINE": "rathaus.core.db.sqlite3"},
    }
    assert "SQLite" in _found()["rathaus.W020"]


def test_a_missing_harfbuzz_subset_is_named(production_like, monkeypatch):
    monkeypatch.setattr(checks, "harfbuzz_subset_available", lambda: False)
    found = _found()
    assert list(found) == ["rathaus.W030"]
    assert "HarfBuzz-Subset" in found["rathaus.W030"]


def test_the_harfbuzz_subset_probe_answers():
    assert isinstance(checks.harfbuzz_subset_available(), bool)


def test_a_file_where_the_storage_folder_should_be_is_named(production_like, tmp_path):
    (tmp_path / "file").write_text("x")
    production_like.PRIVATE_STORAGE_ROOT = tmp_path / "file"
    assert "cannot be written" in _found()["rathaus.E023"]
    production_like.RATHAUS_FILE_STORE = "database"  # the folder is then not used
    assert _found() == {}


def test_manage_py_check_deploy_fails_on_the_production_settings_with_demo_keys(tmp_path):
    """The command an operator runs, in a fresh process with the production settings."""
    environment = {
        **REQUIRED,
        "RATHAUS_ENCRYPTION_KEYS": DEMO_KEY,
        "RATHAUS_PRIVATE_STORAGE": str(tmp_path / "private"),
    }
    code = (
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--tag', 'rathaus'])"
    )
    result = _run(code, **environment)
    assert result.returncode == 1, result.stderr
    assert "rathaus.E002" in result.stderr
    assert "rathaus.E003" in result.stderr  # REQUIRED's hash key is too short
    assert "rathaus.W021" in result.stderr
