# Two commands do everything: `make book` and `make test` (see README.md).
# The virtual environment is rebuilt only when a requirements file or pyproject.toml changes.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
REQS   := binder/requirements.txt requirements-dev.txt pyproject.toml

.PHONY: help setup book test unit notebooks build-check clean

help:
	@echo "make book   - set up .venv, execute every notebook, build the HTML book into _build/html"
	@echo "make test   - set up .venv and run the whole test suite"
	@echo "make clean  - remove the built book and caches (keeps .venv)"

setup: $(STAMP)

$(STAMP): $(REQS)
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Need $(PYTHON) (Python 3.11) on PATH, or run: make PYTHON=python3"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (lessons)" >/dev/null
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build --all -W -n --keep-going .
	@echo
	@echo "The book is built. Open this file in a browser:"
	@echo "    $(CURDIR)/_build/html/index.html"

test: $(STAMP)
	$(BIN)/python -m pytest

clean:
	rm -rf _build .pytest_cache .jupyter_cache
