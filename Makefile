# make test: everything a fresh machine needs, then every test (fast and end-to-end).
# make test-fast: the tests that need no local org or cci run.
# make demo: a local org in a temporary folder, the main flow run against it with the real cci.
# make bench: benchmarks (not part of make test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The pinned Salesforce CLI the sf tests (tests/e2e/test_sf_cli.py) run; its package.json overrides undici so it
# runs on Node 20. Without node/npm it is left out and those tests skip, saying so.
SF_DIR := build/sf
SF_STAMP := $(SF_DIR)/.installed

.PHONY: test test-fast demo bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

$(SF_STAMP): tests/e2e/sf-cli-package.json
	@if command -v node >/dev/null && command -v npm >/dev/null; then \
		mkdir -p $(SF_DIR) && cp $< $(SF_DIR)/package.json && \
		(cd $(SF_DIR) && npm install --no-audit --no-fund --loglevel=error) && touch $@; \
	else echo "node/npm not found: the sf CLI is not installed and its tests will skip"; fi

test: $(STAMP) $(SF_STAMP)
	$(BIN)/python -m pytest -q -rs

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -rs -m "not e2e"

demo: $(STAMP)
	$(BIN)/python -m email_privacy.demo

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .email_privacy $(SF_DIR)
