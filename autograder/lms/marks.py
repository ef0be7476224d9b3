"""A class's marks as an LMS import file needs them: per student (by LMS id) and per exercise,
the points after any late penalty, non-submitters at 0; and which LMS column holds what.

Columns come from ``[lms]`` in ``deepgrade.toml``: ``columns`` maps an exercise (or ``total``)
to the LMS's column title, and ``[lms.<name>] columns`` does so for one LMS only (Canvas's
``Homework 1 (4821)``, Blackboard's ``Homework 1 [Total Pts: 12] |664617``). Without them every
exercise gets a column of its own name and the total a column ``deepgrade total``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..results import Record

if TYPE_CHECKING:
    from .roster import Roster

TOTAL = "total"


@dataclass
class StudentMarks:
    lms_id: str
    name: str
    points: dict[str, float]  # exercise -> points (after penalties)
    #: Handed in nothing at all (a roster student): every exercise 0.
    missing: bool = False
    extra: dict[str, str] = field(default_factory=dict)  # SIS ids, section, OrgDefinedId, email
    #: ``lms_id`` is the LMS's id (False: it is the name a download gave, Brightspace's, matched to no
    #: roster line): no import file carries it, as the LMS would take it for a username.
    id_known: bool = True

    @property
    def total(self) -> float:
        return round(sum(self.points.values()), 4)


@dataclass
class Gradebook:
    exercises: list[str]
    max_points: dict[str, float]
    students: list[StudentMarks]

    @property
    def max_total(self) -> float:
        return round(sum(self.max_points.values()), 4)

    def value(self, student: StudentMarks, what: str) -> float:
        return student.total if what == TOTAL else student.points.get(what, 0.0)

    def maximum(self, what: str) -> float:
        return self.max_total if what == TOTAL else self.max_points.get(what, 0.0)


@dataclass(frozen=True)
class Column:
    title: str  # as the LMS's column is titled (without the LMS's own suffix, e.g. " Points Grade")
    what: str  # an exercise, or TOTAL


def columns(settings: dict[str, Any], lms: str, exercises: list[str], single: bool = False) -> list[Column]:
    """The LMS columns this course declares (``single``: the LMS takes one grade, Moodle's worksheet)."""
    table = dict((settings.get("lms") or {}).get("columns") or {})
    table.update(((settings.get("lms") or {}).get(lms) or {}).get("columns") or {})
    if table:
        declared = [Column(str(title), what) for what, title in table.items() if what in exercises or what == TOTAL]
        if declared:
            return declared[:1] if single else declared
    if single:
        return [Column("deepgrade total", TOTAL)]
    return [Column(e, e) for e in exercises] + [Column("deepgrade total", TOTAL)]


def gradebook_from_records(records: list[Record]) -> Gradebook:
    """Marks from a graded class's records: each student's LMS id (else their key), name, and
    per exercise the points after any late penalty; a student whose every record is ``absent``
    is a roster student who handed in nothing."""
    exercises = sorted({r.exercise for r in records if r.exercise})
    maxima: dict[str, float] = {}
    students: dict[str, StudentMarks] = {}
    for r in records:
        s = students.setdefault(r.lms_id, StudentMarks(lms_id=r.lms_id, name=r.name, points={}, missing=True,
                                                       id_known=r.handed.submitter is None
                                                       or r.handed.submitter.id_known))
        if r.exercise:
            maxima[r.exercise] = max(maxima.get(r.exercise, 0.0), r.max_score)
            s.points[r.exercise] = max(s.points.get(r.exercise, 0.0), r.final_score)
        s.missing = s.missing and r.handed.absent
    return Gradebook(exercises, maxima, sorted(students.values(), key=lambda s: (s.name.casefold(), s.lms_id)))


def with_roster(book: Gradebook, roster: Roster) -> list[str]:
    """Ids, names and the import file's other columns from the roster; a row (at 0) for every
    roster student who has none; a student known by name only (Brightspace's download, graded
    without a roster) gets the id of the one roster entry of that name. A student the LMS gave an
    id is matched by that id alone: another student of the same name is someone else, and their
    marks never go to that id. Returns who matched no entry."""
    unmatched = []
    for s in book.students:
        entry = roster.by_id(s.lms_id) or (None if s.id_known else roster.by_name(s.name or s.lms_id))
        if entry is None:
            unmatched.append(f"{s.name} ({s.lms_id})" if s.name and s.name != s.lms_id else s.lms_id)
            continue
        s.lms_id, s.name, s.extra, s.id_known = entry.lms_id, entry.name or s.name, dict(entry.extra), True
    known = {s.lms_id for s in book.students}
    for e in roster.entries:  # one row per id, however often the roster lists it
        if e.lms_id not in known:
            known.add(e.lms_id)
            book.students.append(StudentMarks(e.lms_id, e.name, {}, missing=True, extra=dict(e.extra)))
    return unmatched
