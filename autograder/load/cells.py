"""What every reader of a submission produces or raises: a code cell, or a submission error.

Apart from :mod:`.program` so the readers (:mod:`.notebook`, :mod:`.notebook_file`) and the
program they feed import them from below, not from each other.
"""

from __future__ import annotations

from dataclasses import dataclass


class SubmissionError(Exception):
    """The submission cannot be read at all (missing, unreadable, not a notebook)."""


@dataclass(frozen=True)
class CodeCell:
    """One unit of code, executed in order. ``label`` names it in messages.

    ``source`` is Python (IPython syntax already transformed); ``original`` is the
    cell as the student wrote it, shown in tracebacks; ``not_run`` lists its IPython
    lines that grading does not run (shell escapes, ``%pip``); ``training_skipped``
    says that a top-level call of a training function was blanked, so a later
    NameError in this cell is its consequence, not the student's mistake.
    """

    source: str
    label: str
    original: str = ""
    not_run: tuple[str, ...] = ()
    training_skipped: bool = False
