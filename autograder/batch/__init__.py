"""Grading a whole class: discover submissions, sandbox each, cache, grade in parallel, report."""

from .runner import Batch, Options, run_batch

__all__ = ["Batch", "Options", "run_batch"]
