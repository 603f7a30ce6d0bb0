# Guichet — the two commands: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format messages bench clean system-deps

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt package.json
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	# axe-core for the browser tests (test-only; npm comes with .ci/system-deps)
	if command -v npm >/dev/null 2>&1; then npm install --no-audit --no-fund --silent; \
	else echo "npm is missing: the browser tests will fail (run .ci/system-deps as root)"; fi
	touch $@

## run: create the database if needed, migrate, seed the demo, start web + Celery worker + beat
## (Ctrl-C stops all); HOST/PORT choose the address, mail links follow unless GUICHET_SITE_URL is set
run: install
	$(BIN)/python manage.py ensure_database
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py run_all --host $(HOST) --port $(PORT)

## test: system packages (as root), lint, then the whole pytest suite (uses DATABASE_URL / REDIS_URL
## when set); a test skipped for a missing tool fails the run, the last line counts the tests that ran
test: system-deps install lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	GUICHET_FORBID_SKIPS=1 $(BIN)/pytest

## system-deps: the Debian packages the tests need (installs them as root, else says what to run)
system-deps:
	@.ci/system-deps

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## messages: refresh the English catalogue after changing French strings
messages: install
	$(BIN)/python manage.py makemessages -l en -l fr --ignore=.venv --ignore=var --ignore=static --ignore=node_modules
	$(BIN)/python scripts/po_fr_plurals.py
	$(BIN)/python scripts/po_fill.py

clean:
	rm -rf var/test .pytest_cache .ruff_cache
