# make test: everything a fresh machine needs, then lint and every test (fast and end-to-end) on $(WORKERS)
#   pytest-xdist workers, a module at a time (--dist loadscope), so a module's shared org starts once; modules in
#   the order tests/conftest.py gives them (longest first by their last run), not reordered by test count.
# make test-fast: lint and every in-process test, on $(FAST_WORKERS) workers: those that start no local org server
#   and no real client (the e2e mark, derived from what each test starts: tests/starts.py).
# make lint: ruff's formatter and linter over the whole tree (settings in pyproject.toml), changing nothing,
#   and actionlint over the GitHub Actions workflows.
# make demo: a local org in a temporary folder, the main flow run against it with the real cci.
# make bench: benchmarks (not part of make test), then the fleet path against 300 orgs (tests/e2e/test_fleet.py).
# make docs: the real-run blocks of README.md and docs/*.md made again from real runs against local orgs.
# make scratch-demo: the scratch-org path offline: a local Dev Hub, the real sf and cci (docs/scratch-orgs.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# CumulusCI alone in its own environment, as users install it (pipx-style): the sources test runs it.
# The version is the one pyproject.toml pins, so there is one place to change it.
CCI_PIN := $(shell sed -n 's/.*"cumulusci==\([0-9.]*\)".*/\1/p' pyproject.toml)
STANDALONE_CCI := build/cci
STANDALONE_STAMP := $(STANDALONE_CCI)/.installed-$(CCI_PIN)
# The pinned Salesforce CLI the sf tests (tests/e2e/test_sf_cli.py) run; its package.json overrides undici so it
# runs on Node 20. Without node/npm it is left out and those tests skip, saying so.
SF_DIR := build/sf
SF_STAMP := $(SF_DIR)/.installed
# make test waits on real clients and servers more than it computes: three workers keep two cores busy (measured
# in docs/development.md); make test-fast only computes, so two.
WORKERS ?= 3
FAST_WORKERS ?= 2

.PHONY: test test-fast lint demo bench scratch-demo clean docs

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

$(STANDALONE_STAMP):
	rm -rf $(STANDALONE_CCI)
	$(PYTHON) -m venv $(STANDALONE_CCI)
	$(STANDALONE_CCI)/bin/python -m pip install --quiet --upgrade pip
	$(STANDALONE_CCI)/bin/python -m pip install --quiet 'cumulusci==$(CCI_PIN)'
	touch $(STANDALONE_STAMP)

$(SF_STAMP): tests/e2e/sf-cli-package.json
	@if command -v node >/dev/null && command -v npm >/dev/null; then \
		mkdir -p $(SF_DIR) && cp $< $(SF_DIR)/package.json && \
		(cd $(SF_DIR) && npm install --no-audit --no-fund --loglevel=error) && touch $@; \
	else echo "node/npm not found: the sf CLI is not installed and its tests will skip"; fi

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/actionlint -color=false .github/workflows/*.yml

test: lint $(STANDALONE_STAMP) $(SF_STAMP)
	$(BIN)/python -m pytest -q -rfEs -n $(WORKERS) --dist loadscope --no-loadscope-reorder

test-fast: lint
	$(BIN)/python -m pytest -q -rfEs -m "not e2e" -n $(FAST_WORKERS)

demo: $(STAMP)
	$(BIN)/python -m email_privacy.cli.demo

scratch-demo: $(STAMP) $(SF_STAMP)
	scripts/scratch-orgs-offline.sh $(SCRATCH_CONFIG)

# The real-run blocks of README.md and docs/*.md, made again from real runs (scripts/real_runs.py; --check: compare).
docs: $(STAMP) $(STANDALONE_STAMP)
	$(BIN)/python scripts/real_runs.py

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)
	EMAIL_PRIVACY_FLEET_ORGS=300 $(BIN)/python -m pytest -q -p no:cacheprovider tests/e2e/test_fleet.py

clean:
	rm -rf $(VENV) build .email_privacy
