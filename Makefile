# ParIndex: `make run` serves the demo on http://127.0.0.1:8000, `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEV := DEBUG=1 STATICFILES_STORAGE=django.contrib.staticfiles.storage.StaticFilesStorage

.PHONY: install install-prod system-deps run test test-only check lint types screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# uv is ~8x faster than pip here; pip is the fallback. Both install the pinned, hashed lock.
$(VENV)/.installed: requirements/dev.txt | $(BIN)/python
	$(BIN)/python -m pip install -q uv || true
	$(BIN)/python -m uv pip install -q -p $(BIN)/python -r requirements/dev.txt \
		|| $(BIN)/python -m pip install -q --require-hashes -r requirements/dev.txt
	touch $@

install: $(VENV)/.installed

install-prod: | $(BIN)/python
	$(BIN)/python -m pip install --require-hashes -r requirements/base.txt

system-deps:
	bash scripts/system-deps.sh

run: install
	mkdir -p var
	$(DEV) $(BIN)/python manage.py migrate --no-input
	$(DEV) $(BIN)/python manage.py load_demo
	$(DEV) $(BIN)/python manage.py db_worker --batch
	# The background worker (document reading, exports, imports) beside the server, stopped with it.
	$(DEV) $(BIN)/python manage.py db_worker & worker=$$!; trap 'kill $$worker' EXIT INT TERM; \
		$(DEV) $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install system-deps test-only

# The suite on every core (pytest-xdist): PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= auto
test-only:
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS)

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

types: install
	$(BIN)/mypy parindex config

check: lint types
	$(DEV) DATABASE_URL=sqlite:///:memory: $(BIN)/python manage.py makemigrations --check --dry-run
	$(MAKE) test

screenshots: install
	PARINDEX_SCREENSHOTS=1 $(BIN)/python -m pytest tests/browser

clean:
	rm -rf $(VENV) var
