# deepgrade: two commands do everything on a fresh machine.
#   make demo   install, then grade the example class (examples/class) and print the points
#   make test   install, then run the test suite
#   make test-fast   install, then the linter, the type and layer checkers and the tests not marked slow (under 2 minutes)
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed
# Data that no package ships (the UCI banknotes) lives beside the project.
export DEEPGRADE_DATA ?= $(abspath ../shared/data)
export DEEPGRADE_OFFLINE ?= 1

.PHONY: install demo test test-fast release examples clean nbgrader-demo sandbox browser slurm

install: $(STAMP) sandbox browser slurm

$(STAMP): pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --no-compile -e ".[dev,cluster]"
	@# jsonschema's optional IRI format checker (jupyter-events asks for jsonschema[format-nongpl]) builds 38
	@# Lark grammars at every import of nbformat: 2 of the 4 CPU-s every nbgrader command, Jupyter server and
	@# notebook reader takes to start. Nothing here validates an IRI format; jsonschema skips it without one.
	$(PY) -m pip uninstall --quiet --yes rfc3987-syntax
	@# pip byte-compiles the ~13,000 files it installs on one core (about 50 s); compileall uses every core
	@# it only saves time: a file it cannot compile is said, and the install goes on (as pip's own step)
	$(PY) -m compileall -q -j 0 "$$($(PY) -c 'import sysconfig; print(sysconfig.get_path("purelib"))')" \
	  || echo "note: some installed files were not byte-compiled; Python compiles them when imported"
	touch $(STAMP)

# $(call apt-install,COMMAND,PACKAGE,WHAT FOR,WITHOUT IT): install a Debian package when we can
# (root, apt), else say what is missing. No commas inside the arguments.
define apt-install
	@command -v $(1) >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing $(2) ($(3))"; \
	    apt-get install -y -qq $(2) >/dev/null 2>&1 || (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq $(2) >/dev/null 2>&1) || true; \
	  fi; \
	  command -v $(1) >/dev/null 2>&1 || echo "note: $(2) is not installed; $(4) (apt-get install $(2))"; }
endef

# The class grader's sandbox is bubblewrap; without it `deepgrade grade` falls back to unshare
# or rlimits and says so.
sandbox:
	$(call apt-install,bwrap,bubblewrap,the class grader's sandbox,deepgrade grade will use a weaker sandbox)

# The student's path is tested in a real browser: Debian's chromium, driven by Playwright
# (its own browser download cannot work offline); without it the browser test is skipped
# and says so.
browser:
	$(call apt-install,chromium,chromium,the browser test of the student's JupyterLab path,the JupyterLab browser test will be skipped)

# `deepgrade grade --cluster slurm` is tested on a private one-node Slurm (tests/slurm_node.py):
# Debian's slurm-wlm and munge; without them (or without root) those tests are skipped and say so.
slurm:
	$(call apt-install,slurmctld,slurm-wlm munge,the --cluster slurm tests on a one-node Slurm,the Slurm tests will be skipped)

# Grade the example class with the class grader: sandboxed, in parallel, reports in out/demo.
demo: install
	$(VENV)/bin/deepgrade grade examples/class --out out/demo --workers 2

# The linter, the type checker and the import layers (all configured in pyproject.toml) before
# the tests. The tests run on TEST_WORKERS processes, a whole file on each (module fixtures are
# built once): most tests wait on child processes, browsers and timeouts, so two of them keep two
# cores busy.
TEST_WORKERS ?= 2
test: install
	$(VENV)/bin/ruff check autograder datasets
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile

# The pure-Python part: no Keras training, browser, cluster or nbgrader round trip (the modules that
# have them say `pytestmark = pytest.mark.slow`; the marker is declared in pyproject.toml).
test-fast: install
	$(VENV)/bin/ruff check autograder datasets
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile -m "not slow"

# Instructors: regenerate exercises/ from solutions/, then the example class.
release: install
	$(VENV)/bin/deepgrade release
	$(PY) examples/make_class.py

# The nbgrader round trip on the example class, in a copy of the course kept in out/nbgrader-demo
# (autograded/, feedback/, gradebook.db): generate_assignment, autograde, export (the grades are
# printed), generate_feedback, each step said as it starts.
nbgrader-demo: install
	$(PY) -m autograder.nbgrader.roundtrip --examples examples/class --keep out/nbgrader-demo

clean:
	rm -rf $(VENV) build *.egg-info
