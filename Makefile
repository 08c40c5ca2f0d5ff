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

.PHONY: help setup assets browser book lab test unit notebooks build-check clean clean-cache

help:
	@echo "make book   - set up .venv, execute every notebook, build the HTML book into _build/html"
	@echo "              and the student edition (no teacher's guide) into _build/student/_build/html"
	@echo "make test   - set up .venv and run the whole test suite"
	@echo "make lab    - set up .venv and open the chapters as live notebooks in JupyterLab"
	@echo "make clean  - remove the built book and caches (keeps .venv)"
	@echo "make clean-cache - remove the regex cache's files (~/.cache/lessons, or \$$LESSONS_CACHE_DIR)"
	@echo "make assignments            - student notebooks (also assignments/student/, for Binder) and autograder zips into build/assignments"
	@echo "make grade SUBMISSIONS=dir  - grade every notebook in dir into one gradebook CSV"
	@echo "make answers ANSWERS=dir    - grade the answer files students download from the HTML book"
	@echo "make assets - npm ci: the book's own JavaScript (offline pages) and axe-core"
	@echo "make browser - install Debian's Chromium for the browser tests (as root)"

# JupyterLab reads its defaults from the environment: no Jupyter news, no update checks
# (tools/lab_settings.py; Binder's postBuild installs the same file).
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json

setup: $(STAMP) $(LAB_OVERRIDES)

$(LAB_OVERRIDES): binder/lab-overrides.json tools/lab_settings.py $(STAMP)
	$(BIN)/python tools/lab_settings.py

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

# Two editions: the full book (with the teacher's guide and answer keys) in _build/html, and
# the student edition (no teacher's guide) in _build/student/_build/html, for teachers to
# publish to students. Both execute the notebooks (inline execution, which {eval} needs).
# LESSONS_CHARTS=html: the book's charts use the HTML renderer and the book's own vega (the
# preamble guesses so anyway outside Jupyter Server; see lessons.book.chart_renderer).
STUDENT_OUT := _build/student

book: $(STAMP) $(NPM_STAMP) handouts
	LESSONS_CHARTS=html $(BIN)/jupyter-book build --all -W -n --keep-going .
	$(MAKE) --no-print-directory student-book
	@echo
	@echo "The book is built. Open this file in a browser:"
	@echo "    $(CURDIR)/_build/html/index.html"
	@echo "The student edition (no teacher's guide, to publish to students):"
	@echo "    $(CURDIR)/$(STUDENT_OUT)/_build/html/index.html"

.PHONY: student-book
student-book: $(STAMP) $(NPM_STAMP) handouts
	$(BIN)/python _ext/student_edition.py --build .

test: $(STAMP) $(LAB_OVERRIDES) $(NPM_STAMP) $(CHROMIUM)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# Live notebooks: JupyterLab 4 with the MyST renderer, from the same .venv (issue 15). It serves
# on 127.0.0.1 only; LAB_ARGS passes more options (e.g. LAB_ARGS=--no-browser).
LAB_PORT ?= 8888
lab: $(STAMP) $(LAB_OVERRIDES)
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(LAB_PORT) \
		--ServerApp.root_dir="$(CURDIR)" --ServerApp.default_url=/lab/tree/chapters \
		$(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

clean:
	rm -rf _build .pytest_cache .jupyter_cache

# The regex cache (lessons._regex_cache) lives outside the worktree, shared by every checkout of
# the book on this account, so `make clean` keeps it; this removes its own files only, from the
# folder $LESSONS_CACHE_DIR names if set (else $XDG_CACHE_HOME/lessons or ~/.cache/lessons).
clean-cache:
	$(if $(wildcard $(BIN)/python),$(BIN)/python,PYTHONPATH=src python3) -m lessons.warm_cache --clear

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
# auto: bubblewrap sandbox if it works here, else unsandboxed with a loud warning; sandbox: refuse without it
ISOLATION ?= auto

assignments: $(ASSIGNMENTS_OUT)/.built

$(ASSIGNMENTS_OUT)/.built: $(MASTERS) $(STAMP) src/lessons/grading.py
	$(BIN)/python -m lessons.grading assign --out $(ASSIGNMENTS_OUT) --students assignments/student
	touch $@

# Grading runs student code: each notebook in its own bubblewrap sandbox (see teachers/assignments.md).
# The folder is checked first: a typo builds nothing and creates nothing.
grade:
	@test -n "$(SUBMISSIONS)" || { echo "Usage: make grade SUBMISSIONS=<folder> [GRADEBOOK=file.csv] [TIMEOUT=$(TIMEOUT)] [JOBS=$(JOBS)] [ASSIGNMENT=name] [ISOLATION=auto|sandbox|none]"; exit 2; }
	@test -d "$(SUBMISSIONS)" || { echo "make grade: SUBMISSIONS=$(SUBMISSIONS) does not exist or is not a folder; nothing was graded or written" >&2; exit 1; }
	@$(MAKE) --no-print-directory assignments
	$(BIN)/python -m lessons.grading grade "$(SUBMISSIONS)" --autograders $(ASSIGNMENTS_OUT) \
		--timeout $(TIMEOUT) --jobs $(JOBS) --isolation $(ISOLATION) $(if $(GRADEBOOK),--out "$(GRADEBOOK)") $(if $(ASSIGNMENT),--assignment "$(ASSIGNMENT)")

# Answer files downloaded from the HTML book's My answers page (issue 16): data only, never run.
# The gradebook goes into the folder, as make grade's does (GRADEBOOK= names another file).
.PHONY: answers
answers: $(STAMP)
	@test -n "$(ANSWERS)" || { echo "Usage: make answers ANSWERS=<folder> [GRADEBOOK=file.csv]"; exit 2; }
	$(BIN)/python -m lessons answers "$(ANSWERS)" $(if $(GRADEBOOK),--out "$(GRADEBOOK)")

# Printable handouts (issue 17): worksheets, answer sheets, article packet, background sheet and
# lateral-reading task, generated from data/ and printed to PDF by Debian's Chromium (Playwright).
# The book links to them under _build/html/handouts/; `make book` builds them first.
.PHONY: handouts
HANDOUTS_OUT := _build/html/handouts
HANDOUTS_SRC := $(wildcard data/*.yml data/exercises/*.yml data/raw/* data/corpus/* src/lessons/*.py src/lessons/*/*.py)

handouts: $(HANDOUTS_OUT)/.built

$(HANDOUTS_OUT)/.built: $(STAMP) $(CHROMIUM) $(HANDOUTS_SRC)
	$(BIN)/python -m lessons.handouts --out $(HANDOUTS_OUT)
	touch $@
