"""The data a download is read into: who handed in, which attempt, and what became of every file.

Decisions are fields: a file's :class:`Fate` and its reason, a submission's ``late`` flag as the
LMS states it, the submitter's own id. Nothing here is parsed back out of message text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from pathlib import Path


class Fate(str, Enum):
    """What became of one file of a download."""

    #: Graded (the submission itself, or a file copied beside it).
    GRADED = "graded"
    #: Another attempt of the same student and exercise was graded instead.
    SUPERSEDED = "superseded"
    #: Read, but not gradable: not a notebook or module, an unsafe zip, no exercise named.
    REFUSED = "refused"
    #: Read for who and when (a Blackboard receipt, Gradescope's metadata), not a submission.
    RECEIPT = "receipt"
    #: No source's naming fits it.
    NOT_RECOGNISED = "not recognised"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Submitter:
    """A student as the LMS knows them. ``lms_id`` is the LMS's own id (Canvas user id, Moodle
    participant id, Blackboard username, Gradescope SID or submission id); Brightspace's download
    carries none, so there it is the display name until a roster supplies one."""

    lms_id: str
    name: str
    source: str
    #: The download hides who it is (Canvas ``anon_``, Moodle ``Participant_``).
    anonymous: bool = False
    #: The id was matched against a roster (or needs none: the LMS gave it).
    id_known: bool = True

    @property
    def key(self) -> str:
        """The student's key in every report: the name and the id, so that two students of
        one name stay two, and one id stays one."""
        if not self.name or self.name == self.lms_id:
            return self.lms_id
        return f"{self.name} ({self.lms_id})"


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


@dataclass
class HandedFile:
    """Every file of the download, with its fate and why."""

    handed: str
    fate: Fate
    why: str = ""
    student: str = ""  # the submitter's key, when known
    exercise: str = ""

    def to_json(self) -> dict[str, str]:
        data = {"file": self.handed, "fate": self.fate.value}
        if self.why:
            data["why"] = self.why
        if self.student:
            data["student"] = self.student
        if self.exercise:
            data["exercise"] = self.exercise
        return data


class DownloadError(Exception):
    """The download cannot be graded at all (empty, or nothing in it recognised): says what was found."""
