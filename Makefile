# Two commands: `make build` builds every brief in content/ into build/; `make test` runs the tests.
# Each sets up what it needs (system packages, .venv, locked Python packages) the first time only.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
READY  := $(VENV)/.ready
# Modules and templates compiled ahead (scripts/compile): redone when any of them changes.
COMPILED := $(VENV)/.compiled
SOURCES  := $(shell find compiler templates -name '*.py' -o -name '*.j2')

.PHONY: build test audit bench lock clean

build: $(READY) $(COMPILED)
	$(BIN)/briefing build

test: $(READY) $(COMPILED) $(VENV)/.test-system
	$(BIN)/python -m pytest -q
	$(BIN)/python scripts/audit

# Strict audit: also fails when a locked package could not be audited (make test only warns then).
audit: $(READY)
	AUDIT_STRICT=1 $(BIN)/python scripts/audit

bench: $(READY) $(COMPILED) $(VENV)/.bench-system $(VENV)/.bench-ready
	$(BIN)/python bench/run.py

$(READY): requirements.lock pyproject.toml scripts/setup-system
	scripts/setup-system build
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

$(COMPILED): $(SOURCES) scripts/compile | $(READY)
	$(BIN)/python scripts/compile
	touch $@

$(VENV)/.test-system: scripts/setup-system | $(READY)
	scripts/setup-system test
	touch $@

$(VENV)/.bench-ready: requirements-bench.lock | $(READY)
	$(BIN)/python -m pip install -q --disable-pip-version-check --require-hashes -r requirements-bench.lock
	touch $@

$(VENV)/.bench-system: scripts/setup-system | $(READY)
	scripts/setup-system bench
	touch $@

# Re-pin every dependency to its newest release (after editing pyproject.toml, and monthly).
lock: $(READY)
	$(BIN)/python -m pip install -q pip-tools
	$(BIN)/pip-compile -q --upgrade --generate-hashes --strip-extras --extra test --extra setup --allow-unsafe -o requirements.lock pyproject.toml
	$(BIN)/pip-compile -q --generate-hashes --strip-extras --extra test --extra setup --extra bench --allow-unsafe -c requirements.lock -o requirements-bench.lock pyproject.toml

clean:
	rm -rf build $(VENV)
