# Hersteld: the two commands are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
DEMO_STAMP := $(VENV)/.installed-demo

# Tests that start a browser, a Celery worker or a live server for schemathesis run one at
# a time after the rest, which runs on two processes: two workers would share one Redis queue.
SERIAL_TESTS := e2e or celery or schemathesis

.PHONY: install demo test lint serve clean lock chromium system-libraries

# The virtualenv with the project and one extra (demo, or dev which includes demo),
# constrained by requirements.lock.
define venv_install
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is required")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[$(1)]'
	@touch $@
endef

install: $(STAMP) chromium system-libraries

$(STAMP): pyproject.toml requirements.lock
	$(call venv_install,dev)

# PDFs are laid out by WeasyPrint on Debian's pango; PDF text checks use poppler-utils; the
# translation tests remake the catalogue with GNU gettext.
system-libraries:
	@{ ldconfig -p | grep -q libpango-1.0 && command -v pdftotext >/dev/null 2>&1 && command -v msgattrib >/dev/null 2>&1; } || { \
	  echo "Installing Debian pango, poppler-utils and gettext"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 poppler-utils gettext >/dev/null; }

# Browser tests drive Debian's chromium; never a downloaded browser.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The demo needs no browser and no dev tools: the product plus the demo extra (Faker).
$(DEMO_STAMP): pyproject.toml requirements.lock
	$(call venv_install,demo)

demo: $(DEMO_STAMP) system-libraries
	@mkdir -p var
	HERSTELD_DEMO=1 $(BIN)/hersteld migrate --noinput
	HERSTELD_DEMO=1 $(BIN)/hersteld demo-data
	HERSTELD_DEMO=1 $(BIN)/hersteld serve --port $(PORT)

test: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy src
	$(BIN)/lint-imports --no-cache
	$(BIN)/pytest -n 2 -m "not ($(SERIAL_TESTS))"
	$(BIN)/pytest -m "$(SERIAL_TESTS)"

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy src
	$(BIN)/lint-imports --no-cache

# Regenerate the lock from pyproject.toml (needs network to the package index).
lock:
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/pip install --quiet --upgrade pip
	.lockenv/bin/pip install --quiet -e '.[dev]'
	.lockenv/bin/pip freeze --exclude-editable | grep -v '^-e' | sort > requirements.lock
	rm -rf .lockenv

clean:
	rm -rf $(VENV) var/*.sqlite3* var/static
