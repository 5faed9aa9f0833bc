# The dev loop. `make demo` and `make test` are the two set-up commands of the README: each one
# installs everything it needs (Python packages into .venv, the agent CLIs into tests/e2e/node_modules).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test test-fast lint fix typecheck bench docs clean postgres chromium

$(BIN)/.installed: pyproject.toml
	@echo "reverie: installing reverie with its dependencies into $(VENV) (a minute or two, once)"
	@echo "reverie: [1/3] creating $(VENV) (about 10 s)"
	$(PYTHON) -m venv $(VENV)
	@echo "reverie: [2/3] upgrading pip (about 10 s)"
	$(BIN)/python -m pip install --progress-bar on --no-color --upgrade pip
	@echo "reverie: [3/3] installing reverie and its dependencies"
	$(BIN)/python -m pip install --progress-bar on --no-color -e '.[dev]'
	touch $@

demo: $(BIN)/.installed
	$(BIN)/reverie demo

tests/e2e/node_modules/.installed: tests/e2e/package.json tests/e2e/package-lock.json
	cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The team tier (`-m postgres`) starts a throwaway cluster with initdb: install Debian's server when it is
# missing (CI runs as root on a clean machine); quiet when it is already there.
postgres:
	@command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql)

# The browser tier drives Debian's Chromium (never a browser download): install it when it is missing.
# apt-get needs root; without it, say what to run instead of failing obscurely later.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" != 0 ]; then echo "make chromium: run as root: apt-get install chromium" >&2; exit 1; fi; \
		apt-get update && apt-get install -y --no-install-recommends chromium; \
	fi

# The static checks that keep the architecture honest, then every tier: unit, real-corpus (when
# ../shared exists), PostgreSQL, browser, end-to-end with the real CLIs. pytest runs last so its summary
# closes the output.
test: $(BIN)/.installed tests/e2e/node_modules/.installed postgres chromium
	$(MAKE) --no-print-directory lint typecheck
	$(BIN)/python -m pytest

test-fast: $(BIN)/.installed
	$(BIN)/python -m pytest -m "not e2e and not corpus and not postgres and not browser and not slow"

lint: $(BIN)/.installed
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports

fix: $(BIN)/.installed
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/ruff format src tests benchmarks

typecheck: $(BIN)/.installed
	$(BIN)/mypy

docs: $(BIN)/.installed
	$(BIN)/python -m reverie.cli.reference > docs/cli.md

bench: $(BIN)/.installed
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) tests/e2e/node_modules .pytest_cache .mypy_cache .ruff_cache
