# Fresh-machine entry points: `make demo` and `make test` (see README).
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DIR ?= .demo
DEB_PACKAGES := unixodbc libsqliteodbc odbc-postgresql tdsodbc chromium postgresql

.PHONY: demo test lint typecheck pytest system-deps services venv bench clean

$(BIN)/pixissync: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

venv: $(BIN)/pixissync

# Debian packages the tests use; installed only when running as root and missing.
system-deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "missing Debian packages (run as root or install them):$$missing"; exit 1; fi; \
	fi

# PostgreSQL must be up for the store and connector tests.
services: system-deps
	@pg_isready -q -h 127.0.0.1 -p 5432 || { \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -n1) main start; \
	  for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; }
	@pg_isready -h 127.0.0.1 -p 5432

demo: venv
	$(BIN)/pixissync demo --dir $(DEMO_DIR)

lint: venv
	$(BIN)/ruff check pixissync tests bench app.py pages
	$(BIN)/ruff format --check pixissync tests bench app.py pages

typecheck: venv
	$(BIN)/mypy

pytest: venv services
	$(BIN)/pytest -q -p no:cacheprovider

test: venv services lint typecheck pytest

# Benchmarks print figures (and compare with Splink where the issue names a peer).
bench: venv services
	$(BIN)/pip install -q -e '.[dev,bench]'
	$(BIN)/python -m bench.sync_bench
	PYTHONPATH=. $(BIN)/python -m bench matching
	$(BIN)/python -m bench.store_bench
	$(BIN)/python -m bench.console_bench
	$(BIN)/python -m bench rest
	$(BIN)/python -m bench erp_db
	$(BIN)/python -m bench.sage100c_push
	$(BIN)/python bench/reconcile_bench.py

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .mypy_cache .ruff_cache
