# The two commands a newcomer needs (see README.md):
#   make run    install, migrate, load the sample articles and serve on http://127.0.0.1:8000
#   make test   install, then ruff, mypy --strict and the suite on SQLite and on PostgreSQL
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: run test lint typecheck test-sqlite test-postgres bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

run: $(VENV)/.installed
	$(VENV)/bin/kiji serve

test: $(VENV)/.installed lint typecheck test-sqlite test-postgres

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy

test-sqlite: $(VENV)/.installed
	$(VENV)/bin/pytest -m "not postgres_only"

# Outside CI a machine without PostgreSQL skips this pass (and says so); in CI it fails.
test-postgres: $(VENV)/.installed
	@if $(PY) -m app.core.pgcheck "$(PG_URL)"; then \
		KIJI_TEST_DATABASE_URL="$(PG_URL)" $(VENV)/bin/pytest; \
	elif [ -n "$$CI" ]; then \
		echo "PostgreSQL is not reachable at $(PG_URL), and CI needs it"; exit 1; \
	else \
		echo "PostgreSQL is not reachable at $(PG_URL): skipping the PostgreSQL pass"; \
	fi

# Benchmarks print numbers (see bench/README.md); they need wrk (apt-get install wrk).
bench: $(VENV)/.installed
	$(PY) bench/serve_bench.py
	$(PY) bench/list_bench.py
	$(PY) bench/import_bench.py
	$(PY) bench/search_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
