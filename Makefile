# The two commands: `make publish` and `make test`. Both build .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DRAFTS ?= drafts
SITE ?= site

.PHONY: publish test lint types check bench golden clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed (found: $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

publish: $(STAMP)
	$(BIN)/toolchain publish $(DRAFTS) --out $(SITE)

check: $(STAMP)
	$(BIN)/toolchain check $(DRAFTS)

lint: $(STAMP)
	$(BIN)/ruff check toolchain tests
	$(BIN)/ruff format --check toolchain tests

types: $(STAMP)
	$(BIN)/mypy

test: lint types
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python -m tests.bench

golden: $(STAMP)
	$(BIN)/python -m tests.regenerate

clean:
	rm -rf $(VENV) $(SITE) .cache
