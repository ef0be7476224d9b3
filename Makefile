# deepgrade: two commands do everything on a fresh machine.
#   make demo   install, then grade the example class (examples/class) and print the points
#   make test   install, then run the test suite
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed
# Data that no package ships (the UCI banknotes) lives beside the project.
export DEEPGRADE_DATA ?= $(abspath ../shared/data)
export DEEPGRADE_OFFLINE ?= 1

.PHONY: install demo test release examples clean nbgrader-demo sandbox browser

install: $(STAMP) sandbox browser

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# The class grader's sandbox is bubblewrap; install it when we can (root, apt), else say
# what is missing: `deepgrade grade` then falls back to unshare or rlimits and says so.
sandbox:
	@command -v bwrap >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing bubblewrap (the class grader's sandbox)"; \
	    apt-get install -y -qq bubblewrap >/dev/null 2>&1 || (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq bubblewrap >/dev/null 2>&1) || true; \
	  fi; \
	  command -v bwrap >/dev/null 2>&1 || echo "note: bubblewrap (bwrap) is not installed; deepgrade grade will use a weaker sandbox (install it: apt-get install bubblewrap)"; }

# The student's path is tested in a real browser: Debian's chromium, driven by Playwright
# (its own browser download cannot work offline). Installed like bubblewrap; without it the
# browser test is skipped and says so.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium (the browser test of the student's JupyterLab path)"; \
	    apt-get install -y -qq chromium >/dev/null 2>&1 || (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq chromium >/dev/null 2>&1) || true; \
	  fi; \
	  command -v chromium >/dev/null 2>&1 || echo "note: chromium is not installed; the JupyterLab browser test will be skipped (apt-get install chromium)"; }

# Grade the example class with the class grader: sandboxed, in parallel, reports in out/demo.
demo: install
	$(VENV)/bin/deepgrade grade examples/class --out out/demo --workers 2

# The linter and the type checker (configured in pyproject.toml) before the tests.
test: install
	$(VENV)/bin/ruff check autograder datasets
	$(VENV)/bin/mypy
	$(PY) -m pytest -q

# Instructors: regenerate exercises/ from solutions/, then the example class.
release: install
	$(VENV)/bin/deepgrade release
	$(PY) examples/make_class.py

# The nbgrader round trip on the example class, in a temporary copy of the course:
# generate_assignment, autograde, export (the grades are printed), generate_feedback.
nbgrader-demo: install
	$(PY) -m autograder.nbgrader.roundtrip --examples examples/class

clean:
	rm -rf $(VENV) build *.egg-info
