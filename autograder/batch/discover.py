"""Finding who handed in what: a thin layer over :mod:`autograder.lms.read`.

Any download :mod:`autograder.lms` reads (Canvas, Moodle, Blackboard, Brightspace, Gradescope's
export, nbgrader's ``submitted/``, a folder per student, flat ``<student>_<exercise>`` files,
zips of any of these) becomes one :class:`Found` per (student, exercise): a file to grade, or
the reason there is none. The student is keyed by the LMS's own id (``"Ada Lovelace (1001)"``):
two ids are never merged, one id is never split. With ``attempts="best"`` every attempt of a
student's exercise is a :class:`Found` of its own (the best is kept after grading).

In an exercise's folder (nbgrader's layout), the file named after the exercise is the
submission and the files beside it are its own: they go into the sandbox with it
(:func:`autograder.isolate.submission.submission_files`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..lms.late import LatePolicy
from ..lms.model import DownloadError, Fate
from ..lms.read import Download, read_download
from ..lms.roster import Roster
from ..results import Handed, Lateness

__all__ = ["Discovery", "DownloadError", "Found", "discover", "discover_class"]


@dataclass
class Found:
    student: str
    exercise: str
    path: Path | None = None
    problem: str = ""  # why there is nothing to grade
    #: Nothing was handed in for this exercise (not attempted), as opposed to a file that
    #: could not be used (an unsafe zip: an error).
    missing: bool = False
    notes: list[str] = field(default_factory=list)
    own_folder: bool = False  # the file's folder holds this submission only (copy it whole)
    #: Who handed it in, when, which attempt, how late (the defaults for a Found made by hand).
    handed: Handed = field(default_factory=Handed)


@dataclass
class Discovery:
    found: list[Found]
    download: Download


def _strays(download: Download) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in download.files:
        if f.fate is Fate.REFUSED and f.student and not f.exercise:
            out.setdefault(f.student, []).append(f.handed.rsplit("/", 1)[-1])
    return out


def discover_class(root: Path, exercises: list[str], unpack_dir: Path, only: list[str] | None = None,
                   exclude: tuple[Path, ...] = (), *, source: str | None = None, roster: Roster | None = None,
                   attempts: str = "latest", late: LatePolicy | None = None) -> Discovery:
    """Every (student, exercise) to grade under ``root`` (a folder or a download's zip), in a
    stable order, and the download's inventory. Raises :class:`DownloadError` when the class is
    empty or nothing in it is recognised."""
    download = read_download(root, exercises, unpack_dir, source_name=source, roster=roster, exclude=exclude,
                             attempts_policy=attempts)
    handed = {e for (_, e) in download.attempts} | {e for (_, e) in download.problems}
    scope = list(only) if only else sorted(handed) or list(exercises)
    if only:  # files of exercises this run leaves out are not graded: said so
        for f in download.files:
            if f.exercise and f.exercise not in scope and f.fate in (Fate.GRADED, Fate.SUPERSEDED):
                f.fate, f.why = Fate.REFUSED, f"not graded in this run (--exercise {', '.join(scope)})"
    strays = _strays(download)
    people = sorted(download.submitters.values(), key=lambda w: (w.key.casefold(), w.lms_id))
    found: list[Found] = []
    for who in people:
        for exercise in scope:
            tries = download.attempts.get((who.lms_id, exercise), [])
            if not tries:
                problem = download.problems.get((who.lms_id, exercise)) or download.unplaced.get(who.lms_id)
                text = problem or f"no submission for {exercise}"
                if not problem and strays.get(who.key):
                    text += f" (found {', '.join(strays[who.key][:5])}, which name no exercise)"
                found.append(Found(who.key, exercise, problem=text, missing=problem is None, handed=Handed(who)))
                continue
            chosen = tries if attempts == "best" else tries[:1]
            for n, a in enumerate(chosen, start=1):
                lateness = (late.judge(who.lms_id, exercise, a.submitted_at, a.lms_late) if late is not None
                            else Lateness(late=bool(a.lms_late), lms_late=a.lms_late))
                facts = Handed(who, a.submitted_at, attempt=n, attempts=len(tries), lateness=lateness)
                found.append(Found(who.key, exercise, a.path, notes=list(a.notes), own_folder=a.own_folder,
                                   handed=facts))
    for who in sorted(download.absent, key=lambda w: (w.key.casefold(), w.lms_id)):
        for exercise in scope:
            found.append(Found(who.key, exercise, problem="handed in nothing (on the roster, not in the download)",
                               missing=True, handed=Handed(who, absent=True)))
    return Discovery(found, download)


def discover(root: Path, exercises: list[str], unpack_dir: Path,
             only: list[str] | None = None, exclude: tuple[Path, ...] = ()) -> list[Found]:
    """:func:`discover_class`'s list alone, the download's source detected."""
    return discover_class(root, exercises, unpack_dir, only, exclude).found
