"""The data a download is read into: who handed in, which attempt, and what became of every file.

Decisions are fields: a file's :class:`Fate` and its reason, a submission's ``late`` flag as the
LMS states it, the submitter's own id. Nothing here is parsed back out of message text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..results.handed import Fate, HandedFile, Submitter

__all__ = ["Attempt", "DownloadError", "Fate", "HandedFile", "Submitter"]


@dataclass
class Attempt:
    """One handed-in file of one student for one exercise."""

    submitter: Submitter
    exercise: str
    path: Path  # the file on disk (inside the download, or unpacked from a zip)
    name: str  # the file's name as the student gave it (the LMS's prefix removed)
    handed: str  # where it lies in the download (relative path), as reported
    #: When the LMS says it was submitted; else the file's own time.
    submitted_at: datetime | None = None
    #: The LMS's own late flag (Canvas ``_LATE``); None where the LMS says nothing.
    lms_late: bool | None = None
    #: Order among attempts of the same time: a browser's ``(1)``, Canvas's ``-1``, an attachment id.
    order: tuple[int, ...] = ()
    #: The file's folder holds this submission only (helpers beside it go into the sandbox).
    own_folder: bool = False
    notes: list[str] = field(default_factory=list)


class DownloadError(Exception):
    """The download cannot be graded at all (empty, or nothing in it recognised): says what was found."""
