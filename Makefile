# Rathaus — two commands: `make demo` and `make test`. Needs Python >= 3.11, make and Node.js.
PYTHON ?= python3
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
export UV_PROJECT_ENVIRONMENT := $(abspath $(VENV))
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test test-fast install install-demo install-dev assets messages lint format bench run-worker clean screenshots

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv>=0.5"

install: $(UV)
	$(UV) sync --frozen --no-dev

# The demo needs no development packages, but leaves them in place for `make test`.
install-demo: $(UV)
	$(UV) sync --frozen --no-dev --inexact

install-dev: $(UV)
	$(UV) sync --frozen

frontend/node_modules/.package-lock.json: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund

# Built again only when the packages or the build script change (frontend/dist/.built marks a build).
assets: frontend/dist/.built

frontend/dist/.built: frontend/node_modules/.package-lock.json frontend/build.mjs
	cd frontend && npm run --silent build
	touch $@

messages:
	$(MANAGE) compile_translations

# Links in e-mails and PDFs (and their QR codes) name the port the demo serves on.
demo: export RATHAUS_PUBLIC_PORT = $(PORT)
demo: install-demo assets messages
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo_data
	$(MANAGE) run_demo --host $(HOST) --port $(PORT)

test: install-dev assets messages
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/lint-imports
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# The inner loop: lint and every test except the browser ones and the system tests (tests/system;
# make test runs them all).
test-fast: install-dev assets messages
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/lint-imports
	$(VENV)/bin/pytest -m "not browser and not system" $(PYTEST_ARGS)

# Current screenshots of the main pages in docs/screenshots/: loads the demo data and starts the demo
# on SCREENSHOT_PORT for as long as it takes (the README shows some of them).
SCREENSHOT_PORT ?= 8765
screenshots: export RATHAUS_PUBLIC_PORT = $(SCREENSHOT_PORT)
screenshots: install-dev assets messages
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo_data
	$(PY) docs/screenshots/take.py --serve $(SCREENSHOT_PORT)

lint: install-dev
	$(VENV)/bin/ruff check src tests bench

format: install-dev
	$(VENV)/bin/ruff format src tests bench
	$(VENV)/bin/ruff check --fix src tests bench

bench: install-dev assets messages
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) $(TOOLS) var frontend/node_modules frontend/dist
