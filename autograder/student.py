"""The student's process (or the reference solution's), prepared for a set of checks."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

from .kinds import kind_of
from .load import Program
from .run.session import Limits, StudentProcess

#: Requests the student's process needs for model checks (imports TensorFlow).
KERAS_OPS = "autograder.run.keras_ops"
#: Loading a notebook that imports TensorFlow takes seconds, not milliseconds.
KERAS_LOAD_TIMEOUT = 180.0


def needs_keras(plans_or_checks: Iterable[Any]) -> bool:
    """Whether the process must preload the Keras requests."""
    return any(kind_of(p).uses_keras for p in plans_or_checks)


def open_student(program: Program, plans: Iterable[Any], *, limits: Limits | None = None,
                 process: Callable[..., StudentProcess] | None = None) -> StudentProcess:
    """The student's process, prepared for these checks (plans or declarations).

    For model checks it preloads the Keras requests and leaves out the
    notebook's own calls of their functions (the grader calls them with its
    inputs, seed and budget); for the NumPy exercises TensorFlow is never imported.
    """
    plans = list(plans)
    make = process or StudentProcess  # the class grader passes its sandboxed process
    if not needs_keras(plans):
        return make(program, limits=limits)
    called = {p.target for p in plans if kind_of(p).uses_keras}
    limits = limits or Limits()
    if limits.load_timeout < KERAS_LOAD_TIMEOUT:
        limits = dataclasses.replace(limits, load_timeout=KERAS_LOAD_TIMEOUT)  # keeps a sandbox's limits
    return make(program.without_calls(called), limits=limits, preload=(KERAS_OPS,))
