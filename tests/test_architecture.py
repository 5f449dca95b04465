"""The code's layout rules that a linter does not see: imports between apps go through each
app's public modules (the layers themselves are checked by ``lint-imports`` in ``make test``)."""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "rathaus"

# What each app offers the others. Everything else is the app's own business.
PUBLIC_MODULES = {
    "accounts": {
        "models",
        "services",
        "selectors",
        "constants",
        "decorators",
        "admin_scope",
        "demo",
        "throttle",
    },
    "appointments": {"models", "services", "selectors", "constants", "errors", "api", "queue"},
    "cases": {
        "models",
        "services",
        "selectors",
        "constants",
        "errors",
        "plugin",
        "transitions",
        "attachments",
    },
    "catalogue": {"models", "services", "selectors", "constants", "fees"},
    "documents": {"models", "services", "selectors", "constants", "errors", "types", "rendering"},
    "notifications": {"models", "services", "selectors"},
    "payments": {"models", "services", "selectors", "constants", "errors", "kassenzeichen"},
    "tenants": {"models", "services", "selectors"},
    "register": {"models", "services", "selectors", "constants", "errors", "interface"},
}


def _cross_app_imports():
    for path in SRC.rglob("*.py"):
        relative = path.relative_to(SRC)
        if "migrations" in relative.parts or len(relative.parts) < 2:
            continue
        app = relative.parts[0]
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and not node.level and node.module:
                parts = node.module.split(".")
                if parts[0] != "rathaus" or len(parts) < 2 or parts[1] in (app, "core"):
                    continue
                names = [parts[2]] if len(parts) > 2 else [alias.name for alias in node.names]
                yield relative, node.lineno, parts[1], names


def test_apps_import_each_other_only_through_public_modules():
    offenders = [
        f"{path}:{line} imports rathaus.{target}.{name}"
        for path, line, target, names in _cross_app_imports()
        if target in PUBLIC_MODULES
        for name in names
        if name not in PUBLIC_MODULES[target]
    ]
    assert offenders == []


def test_the_rule_sees_cross_app_imports():
    """The walk finds the imports it checks (a rule over nothing would pass by accident)."""
    found = {(target, name) for _p, _l, target, names in _cross_app_imports() for name in names}
    assert ("cases", "plugin") in found and ("catalogue", "selectors") in found
