"""Downloads with no LMS of their own: nbgrader's ``submitted/`` folders, a folder per student,
and flat ``<student>_<exercise>`` files (or ``<student>.zip``). The student's id is the folder's
or the file's own name."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from .base import Claim, Listing, Source, register
from .model import Submitter
from .names import exercise_in


def _before_separator(text: str) -> str:
    """The student's part of a flat ``<student>_<exercise>`` name: the separator is not the name's."""
    return text.rstrip(" ._-")


@register
class Nbgrader(Source):
    """``submitted/<student>/<exercise>/<file>`` or ``<student>/<exercise>/<file>`` (nbgrader's
    layout: the exercise is the folder's name; files beside the notebook go with it)."""

    name = "nbgrader"
    label = "nbgrader's submitted/ folders"
    specificity = 20

    def claim(self, rel: PurePosixPath, listing: Listing) -> Claim | None:
        parts = rel.parts[1:] if rel.parts[0] == "submitted" else rel.parts
        if len(parts) < 3:
            return None
        exercise = exercise_in(parts[1], listing.exercises)
        if exercise is None:
            return None
        student = parts[0]  # the folder's own name, exactly: `_ada` and `ada` are two students
        # the exercise folder is the submission's own: files in it, subfolders included, go with it
        own = "/".join(rel.parts[: len(rel.parts) - len(parts) + 2])
        return Claim(submitter=Submitter(lms_id=student, name=student, source=self.name), name=rel.name,
                     exercise_hint=exercise, own_folder=own)


@register
class Folders(Source):
    """``<student>/<anything>/<file>``: a folder per student, the exercise in each file's name."""

    name = "folders"
    label = "a folder per student"
    specificity = 10

    def claim(self, rel: PurePosixPath, listing: Listing) -> Claim | None:
        if len(rel.parts) < 2 or not rel.parts[0].strip():
            return None
        student = rel.parts[0]  # the folder's own name, exactly
        return Claim(submitter=Submitter(lms_id=student, name=student, source=self.name), name=rel.name)


@register
class Flat(Source):
    """``<student>_<exercise>....ipynb`` (or ``.py``) and ``<student>.zip``, side by side."""

    name = "flat"
    label = "flat <student>_<exercise> files"
    specificity = 0

    def claim(self, rel: PurePosixPath, listing: Listing) -> Claim | None:
        if len(rel.parts) != 1:
            return None
        stem = rel.name.rsplit(".", 1)[0]
        exercise = exercise_in(stem, listing.exercises)
        if exercise is None:
            student = stem.strip() if rel.suffix == ".zip" else ""
        else:
            at = stem.lower().find(exercise.lower())
            if at < 0:
                short = re.search(re.escape(exercise.split("_")[0]), stem.lower())
                at = short.start() if short else 0
            student = _before_separator(stem[:at])
        if not student:
            return None
        return Claim(submitter=Submitter(lms_id=student, name=student, source=self.name),
                     name=rel.name if exercise is None else rel.name[at:])
