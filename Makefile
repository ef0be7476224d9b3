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

.PHONY: install demo test release examples clean nbgrader-demo

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: install
	$(VENV)/bin/deepgrade demo

test: install
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
