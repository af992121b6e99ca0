# The course in two commands:  make lab  (work the notebooks)  /  make test
# Both install everything first, from nothing: a virtual environment in .venv/
# with the course and its packages, and Graphviz's `dot` program.

PYTHON ?= python3
VENV   := .venv
BIN    := $(CURDIR)/$(VENV)/bin
STAMP  := $(VENV)/.installed
BOOK_STAMP    := $(VENV)/.book-installed
BROWSER_STAMP := $(VENV)/.browser-installed
# nbgrader runs `alembic` from PATH, so the venv's bin must be on it.
export PATH := $(BIN):$(PATH)

# The assignment a TA command acts on, e.g.  make autograde A=01_gradients
A ?= 01_gradients

ASSIGNMENTS := $(notdir $(wildcard solutions/[0-9]*))

.PHONY: install dot bwrap lab ta-lab reset test book book-test bench outputs student-versions navigation class-release class-release-check release collect autograde feedback release-feedback grades clean help

help:
	@echo "make lab              - install everything, then start JupyterLab on the course"
	@echo "make test             - install everything, then run all tests"
	@echo "make reset NB=01_gradients [EX=softmax] - fresh copy of a notebook or one exercise"
	@echo "make ta-lab           - JupyterLab with nbgrader's Formgrader and Create Assignment"
	@echo "make class-release    - the course for a class, without solutions (dist/)"
	@echo "make book             - build the course's site for reading: build/book/_build/html"
	@echo "make clean            - remove .venv and the site (never a TA's submissions or gradebook)"
	@echo "make bench            - speed measurements (benchmarks/)"
	@echo "make outputs          - re-execute solutions/ in place (course authors)"
	@echo "make student-versions - regenerate notebooks/ from solutions/ (course authors)"
	@echo "make navigation       - contents, links and progress cell in every notebook (authors)"
	@echo "TA steps: make release|collect|autograde|feedback|release-feedback|grades A=01_gradients"

install: $(STAMP)
	@$(MAKE) --no-print-directory -s dot bwrap

# Re-runs only when the package list changes: a second `make install` does nothing.
$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || \
	  $(call apt_install,python3-venv,install the venv module of your Python (Debian/Ubuntu: apt-get install python3-venv))
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -c constraints.txt -e '.[test]'
	@# Build matplotlib's font cache now: the first import would print to stderr
	@# inside a notebook (a failed nbval run, a test cell scored 0).
	$(VENV)/bin/python -c 'import matplotlib.pyplot'
	@touch $@

# Graphviz's `dot` renders the computational graphs.
dot:
	@command -v dot >/dev/null 2>&1 || \
	  $(call apt_install,graphviz,get Graphviz: conda install -c conda-forge graphviz / sudo apt-get install graphviz / brew install graphviz)

# bubblewrap's `bwrap` is the sandbox course-grade runs each student's kernel in.
bwrap:
	@command -v bwrap >/dev/null 2>&1 || \
	  $(call apt_install,bubblewrap,get bubblewrap: sudo apt-get install bubblewrap / sudo dnf install bubblewrap)

# $(call apt_install,PACKAGE,HOW-TO-GET-IT): apt-get install when root, else explain and stop.
define apt_install
	{ if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing $(1) with apt-get"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1) >/dev/null; \
	  else \
	    echo "Missing $(1). Please $(2), then run make again." >&2; exit 1; \
	  fi; }
endef

# Students work in my_work/, a copy of notebooks/ that git ignores: updates to
# the course never overwrite their answers, and a notebook added later is copied in.
# The course's notebooks are trusted, so that their stored graphs and plots show.
# jupyter-config/ says which of nbgrader's tools each mode shows (see its README).
LAB_ARGS ?=
JUPYTER_LAB = $(BIN)/jupyter lab --ServerApp.root_dir=$(CURDIR) --ip=127.0.0.1 \
  $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)
lab_config = JUPYTER_CONFIG_PATH=$(CURDIR)/jupyter-config/$(1)$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}

lab: install
	@for nb in notebooks/*/*.ipynb; do \
	  dest="my_work/$${nb#notebooks/}"; \
	  [ -e "$$dest" ] || { mkdir -p "$$(dirname "$$dest")" && cp "$$nb" "$$dest"; }; \
	done
	@$(BIN)/jupyter trust my_work/*/*.ipynb $(wildcard solutions/*/*.ipynb) >/dev/null
	$(call lab_config,student) $(JUPYTER_LAB) --LabApp.default_url=/lab/tree/my_work

# For TAs: the same course with Formgrader and Create Assignment (nbgrader_config.py).
ta-lab: install
	@$(BIN)/jupyter trust $(wildcard solutions/*/*.ipynb) >/dev/null
	$(call lab_config,ta) $(JUPYTER_LAB)

# A fresh copy of one exercise (EX=grade id) or of a whole notebook in my_work/;
# the old file is kept next to it (see the README, "When you are stuck").
reset: install
	@test -n "$(NB)" || { echo "Say which: make reset NB=01_gradients [EX=softmax]" >&2; exit 2; }
	@$(BIN)/python -m course_lib.reset $(NB) $(EX)

# (a class release has no course_book/: its make test needs no site)
test: install $(if $(wildcard course_book),$(BOOK_STAMP) $(BROWSER_STAMP))
	$(BIN)/python -m pytest

# The course's site, for reading before (or instead of) running; it works
# offline.  Its packages are extras (installed by the stamps below), so that
# `make lab` stays lean.
book: install $(BOOK_STAMP)
	$(BIN)/python -m course_book build/book

# Only the site's tests (make test runs them too): build it, open every page in Chromium.
book-test: install $(BOOK_STAMP) $(BROWSER_STAMP)
	$(BIN)/python -m pytest -n0 tests/test_book_site.py tests/test_book_student.py

# Jupyter Book, and MathJax from the npm registry (served by the site itself).
$(BOOK_STAMP): $(STAMP) course_book/package-lock.json
	$(VENV)/bin/python -m pip install --quiet -c constraints.txt -e '.[book]'
	@command -v npm >/dev/null 2>&1 || \
	  $(call apt_install,npm,install Node.js with npm)
	cd course_book && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# playwright drives Debian's Chromium (it cannot download a browser of its own
# here); CHROMIUM_BINARY=/path/to/chrome names another one.
$(BROWSER_STAMP): $(STAMP)
	$(VENV)/bin/python -m pip install --quiet -c constraints.txt -e '.[browser]'
	@[ -n "$$CHROMIUM_BINARY" ] || dpkg -s chromium >/dev/null 2>&1 || \
	  $(call apt_install,chromium,install Chromium and set CHROMIUM_BINARY to its program)
	@touch $@

# Speed measurements (not tests): micrograd and torch (the CPU wheel, pinned:
# never an unpinned torch) are installed for the comparisons only.
bench: install
	$(BIN)/python -m pip install --quiet micrograd==0.1.0 torch==2.13.0
	$(BIN)/python benchmarks/bench_engine.py
	$(BIN)/python benchmarks/bench_tensor.py
	$(BIN)/python benchmarks/bench_startup.py
	$(BIN)/python benchmarks/bench_grading.py

# For course authors: re-run the solution notebooks so their stored outputs are
# current (nbval compares them), then regenerate notebooks/ from solutions/.
# Never edit notebooks/ by hand.
outputs: install
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace --log-level=WARN \
	  --ExecutePreprocessor.record_timing=False solutions/*/*.ipynb

student-versions: install
	@for a in $(ASSIGNMENTS); do $(BIN)/nbgrader generate_assignment $$a --force --log-level=WARN || exit 1; done

# For course authors: the standard contents, navigation and progress cells in
# every solution notebook (tools/navigation.py), then outputs and notebooks/.
navigation: install
	$(BIN)/python tools/navigation.py $(wildcard solutions/*/*.ipynb)
	@$(MAKE) --no-print-directory outputs student-versions

# For TAs: what the students of a class get, without solutions or hidden tests.
# class-release-check tries its two commands from nothing in a temporary folder
# (about two minutes: make test checks the same release on the installed .venv).
class-release: install
	$(BIN)/python tools/class_release.py dist

class-release-check: class-release
	@dir=$$(mktemp -d) && cp -r dist/backprop-course-class "$$dir" && \
	  cd "$$dir/backprop-course-class" && $(MAKE) --no-print-directory install test && \
	  echo "class release OK: make install and make test work from nothing" && rm -rf "$$dir"

# --- TA steps (see README): nbgrader with this folder's nbgrader_config.py ---
release: install
	$(BIN)/nbgrader generate_assignment $(A) --force
	$(BIN)/nbgrader release_assignment $(A)

collect: install
	$(BIN)/nbgrader collect $(A)

# Grading runs course-grade (course_grader/): each student's code in a sandbox,
# J students at once, an integrity report in reports/.  J=2 by default.
J ?= 2
autograde: install
	$(BIN)/course-grade autograde $(A) --jobs $(J)

feedback: install
	$(BIN)/course-grade feedback $(A)

# Returning feedback through the exchange is a separate step (JupyterHub only).
release-feedback: install
	$(BIN)/nbgrader release_feedback $(A)

grades: install
	$(BIN)/course-grade export

# Removes only what make install, make book and the tests create.  A TA's submitted/,
# autograded/, feedback/ and gradebook.db are never touched.
clean:
	rm -rf $(VENV) .hypothesis build/book course_book/node_modules
