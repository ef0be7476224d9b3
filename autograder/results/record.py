"""One line of a class's results: who, which exercise, the verdicts, and how it was graded.

``Record.to_json()`` is the cache's entry; ``Record.to_json(public=True)`` is the entry of
``results.json``, which other tools read: its keys only ever gain members, never change meaning.
``Record.from_json`` reads both, and entries written before a member existed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from ..score import ExerciseResult
from .handed import Handed


class Stage(str, Enum):
    """Where the grader (not the student's code) failed."""

    #: Before the student's code was loaded: the process or its sandbox could not start.
    SETUP = "setup"
    #: A signal killed the sandbox's own process (bwrap), which the student's code cannot reach.
    SIGNAL = "signal"
    #: The pre-warmed process serving the student's process died.
    ZYGOTE = "zygote"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class GraderFailed:
    """The grader failed on every try at a submission: where, why (the last try's), how often."""

    stage: Stage
    reason: str
    tries: int

    def to_json(self) -> dict[str, Any]:
        return {"stage": self.stage.value, "reason": self.reason, "tries": self.tries}

    @classmethod
    def from_json(cls, data: Any) -> GraderFailed | None:
        if not isinstance(data, dict) or data.get("stage") not in {s.value for s in Stage}:
            return None
        return cls(Stage(data["stage"]), str(data.get("reason", "")), int(data.get("tries", 1)))


#: Members of a record that the cache keeps and results.json leaves out (they say how this
#: machine graded, not what).
PRIVATE_KEYS = ("key", "cached", "grader_error")


@dataclass(kw_only=True)
class Record:
    student: str
    result: ExerciseResult
    submission: str | None = None  # the graded file; None when nothing was graded
    #: What the student's code printed (a few KiB); None when it did not run (nothing handed in,
    #: or the grader failed), "" when it printed nothing or could not be read.
    output: str | None = None
    key: str = ""  # the cache key
    seconds: float | None = None
    cached: bool = False
    grader_error: str = ""  # the grader's own traceback, when it failed (never cached)
    #: Who handed it in, when, how late: this run's download's (never cached).
    handed: Handed = field(default_factory=Handed)
    #: When the grader failed on every try.
    grader_failure: GraderFailed | None = None
    #: How many times it was graded: more than 1 when the grader failed on the earlier tries.
    grader_tries: int = 1

    @property
    def exercise(self) -> str:
        return self.result.exercise

    @property
    def max_score(self) -> float:
        return self.result.max_score

    @property
    def raw_score(self) -> float:
        """The checks' own points, before any late penalty."""
        return self.result.score

    @property
    def final_score(self) -> float:
        """The points after the late penalty (the raw score when there is none)."""
        lateness = self.handed.lateness
        return lateness.apply(self.result.score) if lateness is not None else self.result.score

    @property
    def late(self) -> bool:
        return self.handed.lateness is not None and self.handed.lateness.late

    @property
    def lms_id(self) -> str:
        """The LMS's id of the student (the student's key when the download gave none)."""
        return self.handed.submitter.lms_id if self.handed.submitter is not None else self.student

    @property
    def name(self) -> str:
        return self.handed.submitter.name if self.handed.submitter is not None else ""

    def to_json(self, *, public: bool = False) -> dict[str, Any]:
        """The cache's entry; with ``public``, results.json's (no cache key, no traceback)."""
        data: dict[str, Any] = {"student": self.student, **self.result.to_json(), "submission": self.submission}
        data.update(self.handed.to_json())
        if self.handed.lateness is not None:
            data["raw_score"] = self.raw_score
            data["final_score"] = self.final_score
        if self.output is not None:
            data["output"] = self.output
        if self.key:
            data["key"] = self.key
        if self.seconds is not None:
            data["seconds"] = self.seconds
        if self.cached:
            data["cached"] = True
        if self.grader_error:
            data["grader_error"] = self.grader_error
        if self.grader_failure is not None:
            data["grader_failure"] = self.grader_failure.to_json()
        if self.grader_tries > 1:
            data["grader_tries"] = self.grader_tries
        return {k: v for k, v in data.items() if k not in PRIVATE_KEYS} if public else data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Record:
        """A results.json or cache entry (members it lacks take their defaults)."""
        submission = data.get("submission")
        seconds = data.get("seconds")
        return cls(student=str(data["student"]), result=ExerciseResult.from_json(data),
                   submission=str(submission) if submission is not None else None,
                   output=str(data["output"]) if data.get("output") is not None else None, key=str(data.get("key", "")),
                   seconds=float(seconds) if seconds is not None else None, cached=bool(data.get("cached", False)),
                   grader_error=str(data.get("grader_error", "")), handed=Handed.from_json(data),
                   grader_failure=GraderFailed.from_json(data.get("grader_failure")),
                   grader_tries=int(data.get("grader_tries", 1)))
