"""The system test's numbers are printed in the terminal summary, so CI shows them without
``-s`` and whether the test passed or failed."""

import pytest

REPORT = pytest.StashKey[list]()


@pytest.fixture
def report(request) -> list[str]:
    return request.config.stash.setdefault(REPORT, [])


def pytest_terminal_summary(terminalreporter, config):
    lines = config.stash.get(REPORT, [])
    if lines:
        terminalreporter.write_sep("=", "multi-instance fault test: numbers")
        for line in lines:
            terminalreporter.write_line(line)
