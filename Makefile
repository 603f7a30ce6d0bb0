# Guichet — the two commands: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format messages bench clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt package.json
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	# axe-core for the browser tests (test-only; skipped when npm is absent)
	if command -v npm >/dev/null 2>&1; then npm install --no-audit --no-fund --silent; fi
	touch $@

## run: migrate, seed the demo, start web + Celery worker + beat (Ctrl-C stops all)
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py run_all --host $(HOST) --port $(PORT)

## test: lint, then the whole pytest suite (uses DATABASE_URL / REDIS_URL when set)
test: install lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

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
