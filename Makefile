# make test: everything a fresh machine needs, then every test (fast and end-to-end).
# make test-fast: the tests that need no local org or cci run.
# make lint: ruff's formatter and linter over the whole tree (settings in pyproject.toml), changing nothing.
# make demo: a local org in a temporary folder, the main flow run against it with the real cci.
# make bench: benchmarks (not part of make test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test test-fast lint demo bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest -q -rs

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -rs -m "not e2e"

demo: $(STAMP)
	$(BIN)/python -m email_privacy.cli.demo

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .email_privacy
