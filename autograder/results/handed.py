"""Who handed what in, and when: the facts of a submission that every report reads.

They are here, below the reports, so that a report takes them typed: the LMS adapters
(:mod:`autograder.lms`) make them from a download, the class runner carries them from
discovery (:class:`autograder.batch.discover.Found`) to each record
(:class:`autograder.results.record.Record`), and results.json keeps them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any


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


@dataclass(frozen=True)
class Lateness:
    """What the policy makes of one attempt."""

    late: bool
    #: Percent of the points deducted (0 when on time, within grace, or no rule applies).
    penalty_percent: float = 0.0
    #: How late, in seconds after the due date (0 when on time).
    seconds_late: float = 0.0
    due: datetime | None = None
    #: The LMS's own flag, as it stated it (None: it says nothing).
    lms_late: bool | None = None

    def apply(self, points: float) -> float:
        return round(points * (1 - self.penalty_percent / 100), 4)

    @property
    def hours_late(self) -> float:
        """As results.json and the reports give it: hours, to 0.01 (0 when on time)."""
        return round(self.seconds_late / 3600, 2) if self.late else 0.0

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"late": self.late, "penalty_percent": self.penalty_percent}
        if self.late:
            data["hours_late"] = self.hours_late
        if self.due is not None:
            data["due"] = self.due.isoformat()
        if self.lms_late is not None:
            data["lms_late"] = self.lms_late
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Lateness:
        due = data.get("due")
        return cls(late=bool(data.get("late")), penalty_percent=float(data.get("penalty_percent", 0.0)),
                   seconds_late=float(data.get("hours_late", 0.0)) * 3600,
                   due=datetime.fromisoformat(due) if due else None, lms_late=data.get("lms_late"))

    def describe(self) -> str:
        """One line for a report: the flag, then the penalty (separate facts)."""
        if not self.late:
            return "on time"
        hours = self.seconds_late / 3600
        when = f" by {hours:.1f} h" if hours else ""
        return f"late{when}" + (f"; penalty {self.penalty_percent:g}%" if self.penalty_percent else "; no penalty")


@dataclass(frozen=True)
class Handed:
    """One submission as the download gives it: who, when, which attempt, how late. Discovery
    finds it; the record of its grading carries it (set after the cache: none of it is part of
    a cached verdict, so the same file graded under another roster or policy keeps its verdict,
    not its penalty)."""

    #: Who, as the LMS knows them (None for a submission made by hand).
    submitter: Submitter | None = None
    #: When the LMS says it was handed in (else the file's time); None when nothing was.
    submitted_at: datetime | None = None
    #: This is attempt ``attempt`` (1: the latest) of ``attempts`` for this exercise.
    attempt: int = 1
    attempts: int = 1
    lateness: Lateness | None = None
    #: The student is on the roster but handed in nothing at all.
    absent: bool = False

    def to_json(self) -> dict[str, Any]:
        """results.json's members for these facts (each only when it says something)."""
        data: dict[str, Any] = {}
        if self.submitter is not None:
            data["lms_id"] = self.submitter.lms_id
            data["name"] = self.submitter.name
            if not self.submitter.id_known:  # the "id" is the name the download gave (Brightspace's)
                data["id_known"] = False
        if self.submitted_at is not None:
            data["submitted_at"] = self.submitted_at.isoformat()
        if self.attempts > 1:
            data["attempt"], data["attempts"] = self.attempt, self.attempts
        if self.lateness is not None:
            data.update(self.lateness.to_json())
        if self.absent:
            data["missing"] = True
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Handed:
        """From a results.json entry; one written before these members existed gives the defaults."""
        lms_id = data.get("lms_id")
        known = data.get("id_known", True) is True
        name = str(data.get("name") or "")
        submitter = Submitter(str(lms_id), name, "", id_known=known) if lms_id is not None else None
        when = data.get("submitted_at")
        return cls(submitter=submitter, submitted_at=datetime.fromisoformat(when) if when else None,
                   attempt=int(data.get("attempt", 1)), attempts=int(data.get("attempts", 1)),
                   lateness=Lateness.from_json(data) if "late" in data else None,
                   absent=bool(data.get("missing", False)))


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

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> HandedFile:
        return cls(handed=str(data["file"]), fate=Fate(data["fate"]), why=str(data.get("why", "")),
                   student=str(data.get("student", "")), exercise=str(data.get("exercise", "")))
