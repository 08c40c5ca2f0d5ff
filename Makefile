# Two commands do everything: `make book` and `make test` (see README.md).
# The virtual environment is rebuilt only when a requirements file or pyproject.toml changes.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
REQS   := binder/requirements.txt requirements-dev.txt pyproject.toml
# The book serves its own JavaScript (vega, require.js, ipywidgets, MathJax; see
# _ext/offline_assets.py) from node_modules, pinned by package-lock.json; `npm ci` runs again
# only when package.json or package-lock.json changes. The browser tests use Debian's Chromium.
NPM_STAMP := node_modules/.installed
CHROMIUM  := /usr/bin/chromium

.PHONY: help setup assets browser book lab test unit notebooks build-check clean

help:
	@echo "make book   - set up .venv, execute every notebook, build the HTML book into _build/html"
	@echo "make test   - set up .venv and run the whole test suite"
	@echo "make lab    - set up .venv and open the chapters as live notebooks in JupyterLab"
	@echo "make clean  - remove the built book and caches (keeps .venv)"
	@echo "make assignments            - student notebooks and autograder zips into build/assignments"
	@echo "make grade SUBMISSIONS=dir  - grade every notebook in dir into one gradebook CSV"
	@echo "make assets - npm ci: the book's own JavaScript (offline pages) and axe-core"
	@echo "make browser - install Debian's Chromium for the browser tests (as root)"

setup: $(STAMP)

$(STAMP): $(REQS)
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Need $(PYTHON) (Python 3.11) on PATH, or run: make PYTHON=python3"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (lessons)" >/dev/null
	touch $(STAMP)

assets: $(NPM_STAMP)

# apt-get as root (CI), else through sudo if there is one
APT = if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $(1); \
	elif command -v sudo >/dev/null 2>&1; then sudo apt-get update -qq && sudo apt-get install -y -qq $(1); \
	else echo "Please install $(1) (Debian: apt-get install -y $(1), as root)"; exit 1; fi

$(NPM_STAMP): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { $(call APT,nodejs npm); }
	npm ci --no-audit --no-fund --ignore-scripts
	touch $(NPM_STAMP)

browser: $(CHROMIUM)

$(CHROMIUM):
	@$(call APT,chromium)

# LESSONS_CHARTS=html: the book's charts use the HTML renderer and the book's own vega (the
# preamble guesses so anyway outside Jupyter Server; see lessons.book.chart_renderer).
book: $(STAMP) $(NPM_STAMP)
	LESSONS_CHARTS=html $(BIN)/jupyter-book build --all -W -n --keep-going .
	@echo
	@echo "The book is built. Open this file in a browser:"
	@echo "    $(CURDIR)/_build/html/index.html"

test: $(STAMP) $(NPM_STAMP) $(CHROMIUM)
	$(BIN)/python -m pytest

# Live notebooks: JupyterLab 4 with the MyST renderer, from the same .venv (issue 15). It serves
# on 127.0.0.1 only; LAB_ARGS passes more options (e.g. LAB_ARGS=--no-browser).
LAB_PORT ?= 8888
lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(LAB_PORT) \
		--ServerApp.root_dir="$(CURDIR)" --ServerApp.default_url=/lab/tree/chapters \
		$(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

clean:
	rm -rf _build .pytest_cache .jupyter_cache

# Benchmarks (issue 9): the helpers against peer tools (in their own benchmarks/.venv, built
# from benchmarks/requirements.txt) and what the book costs. Goals are in the report, not tests.
.PHONY: bench bench-smoke
bench: $(STAMP) $(NPM_STAMP)
	PYTHON=$(PYTHON) $(BIN)/python benchmarks/run.py --profile full

bench-smoke: $(STAMP)
	PYTHON=$(PYTHON) $(BIN)/python benchmarks/run.py --profile smoke

# Classroom assignments (otter-grader): see assignments/README.md and the teacher's guide.
.PHONY: assignments grade
ASSIGNMENTS_OUT := build/assignments
MASTERS := $(wildcard assignments/*/*.ipynb)
TIMEOUT ?= 120
JOBS ?= 2

assignments: $(ASSIGNMENTS_OUT)/.built

$(ASSIGNMENTS_OUT)/.built: $(MASTERS) $(STAMP) src/lessons/grading.py
	$(BIN)/python -m lessons.grading assign --out $(ASSIGNMENTS_OUT)
	touch $@

# Grading runs student code: do it in a throwaway container/VM or as a user with no secrets.
grade: assignments
	@test -n "$(SUBMISSIONS)" || { echo "Usage: make grade SUBMISSIONS=<folder> [GRADEBOOK=file.csv] [TIMEOUT=$(TIMEOUT)] [JOBS=$(JOBS)] [ASSIGNMENT=name]"; exit 2; }
	$(BIN)/python -m lessons.grading grade "$(SUBMISSIONS)" --autograders $(ASSIGNMENTS_OUT) \
		--timeout $(TIMEOUT) --jobs $(JOBS) $(if $(GRADEBOOK),--out "$(GRADEBOOK)") $(if $(ASSIGNMENT),--assignment "$(ASSIGNMENT)")
