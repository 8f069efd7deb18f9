# The two commands: `make publish` and `make test`. Both build .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DRAFTS ?= drafts
SITE ?= site

.PHONY: publish serve test lint types check bench golden clean pango compile

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed (found: $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# WeasyPrint (the redline PDFs) loads Pango at run time; say which packages to install, before any work.
pango:
	@$(PYTHON) -c 'import ctypes.util as u, sys; sys.exit(not all(u.find_library(n) for n in ("pango-1.0", "pangoft2-1.0")))' || { \
	  echo "The redline PDFs (WeasyPrint) need the Pango libraries, which are missing."; \
	  echo "  Debian/Ubuntu: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core"; \
	  echo "  Fedora: sudo dnf install pango    macOS: brew install pango"; exit 1; }

# Byte-code for our own modules, which an editable install does not compile: with PYTHONDONTWRITEBYTECODE
# set (as on CI machines) every run would compile them again (~0.05 s of each publish).
compile: $(STAMP)
	@$(BIN)/python -m compileall -q toolchain

publish: $(STAMP) pango compile
	$(BIN)/toolchain publish $(DRAFTS) --out $(SITE)

serve: $(STAMP)
	$(BIN)/toolchain serve --dir $(SITE)

check: $(STAMP)
	$(BIN)/toolchain check $(DRAFTS)

lint: $(STAMP)
	$(BIN)/ruff check toolchain tests
	$(BIN)/ruff format --check toolchain tests

types: $(STAMP)
	$(BIN)/mypy

test: pango lint types
	$(BIN)/pytest

bench: $(STAMP) compile
	$(BIN)/python -m tests.bench
	$(BIN)/python -m tests.bench_site
	$(BIN)/python -m tests.bench_pdf

golden: $(STAMP)
	$(BIN)/python -m tests.regenerate

clean:
	rm -rf $(VENV) $(SITE) .cache
