"""Each LMS's grade import file, written by its importer's documented rules; one declaration each.

All files are CSV, UTF-8, one row per student in the class (roster students who handed in
nothing at 0), ids exactly as the LMS gave them. Points are after any late penalty.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from .marks import Column, Gradebook, columns


def _num(value: float) -> str:
    return f"{value:g}"


def _cell(text: str) -> str:
    """Keep spreadsheet programs from running a name as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue()


def canvas(book: Gradebook, cols: list[Column], now: datetime) -> str:
    """Canvas gradebook import (Grades > Import; canvas-lms ``app/models/gradebook_importer.rb``):
    the header starts ``Student, ID, SIS User ID, SIS Login ID, Section``; a student is found by
    ``ID`` (the user id of the download), else by the SIS ids; an assignment column is matched by
    the id in ``Title (id)`` or else by its title (a new title makes a new assignment); a row
    whose student is ``Points Possible`` gives each column's points."""
    head = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    rows = [head + [c.title for c in cols],
            ["Points Possible", "", "", "", ""] + [_num(book.maximum(c.what)) for c in cols]]
    for s in book.students:
        rows.append([_cell(s.name), s.lms_id, s.extra.get("SIS User ID", ""), s.extra.get("SIS Login ID", ""),
                     s.extra.get("Section", "")] + [_num(book.value(s, c.what)) for c in cols])
    return _csv(rows)


MOODLE_HEADER = ["Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade",
                 "Grade can be changed", "Last modified (submission)", "Last modified (grade)", "Feedback comments"]
#: Moodle's ``strftimedatetime`` (en): what its worksheet writes and its importer reads with ``strtotime``.
MOODLE_TIME = "%A, %d %B %Y, %I:%M %p"


def moodle(book: Gradebook, cols: list[Column], now: datetime) -> str:
    """Moodle's offline grading worksheet (Assignment > "Upload grading worksheet";
    ``mod/assign/feedback/offline/importgradeslib.php``): columns are found by their header
    (``Identifier``, ``Grade``, ``Last modified (grade)``); ``Identifier`` is ``Participant <id>``
    (``get_string('hiddenuser', 'assign')`` + the participant id of the download); a row is
    skipped as stale when Moodle's grade was modified more than 60 s after ``Last modified (grade)``,
    so it is the time of this export. One assignment per worksheet: one grade column."""
    col = cols[0]
    stamp = now.strftime(MOODLE_TIME)
    rows = [MOODLE_HEADER]
    for s in book.students:
        rows.append([f"Participant {s.lms_id}", _cell(s.name), s.extra.get("Email address", ""),
                     "No submission" if s.missing else "Submitted for grading", _num(book.value(s, col.what)),
                     _num(book.maximum(col.what)), "Yes", "", stamp, ""])
    return _csv(rows)


def blackboard(book: Gradebook, cols: list[Column], now: datetime) -> str:
    """Blackboard Grade Center upload (Work Offline > Upload): ``Username`` identifies the
    student; a column ``<title> [Total Pts: <points>] |<column id>`` updates that column, a title
    with no ``|<id>`` makes a new one; name columns are read but not changed."""
    titles = [c.title if "[Total Pts:" in c.title else f"{c.title} [Total Pts: {_num(book.maximum(c.what))}]"
              for c in cols]
    rows = [["Last Name", "First Name", "Username"] + titles]
    for s in book.students:
        first, _, last = s.name.rpartition(" ") if " " in s.name else ("", "", s.name)
        rows.append([_cell(last), _cell(first), s.lms_id] + [_num(book.value(s, c.what)) for c in cols])
    return _csv(rows)


def brightspace(book: Gradebook, cols: list[Column], now: datetime) -> str:
    """Brightspace grades import (Grades > Import; its Grades_Sample_Import_File.csv): the
    first columns are ``OrgDefinedId`` and ``Username`` (either identifies; values written with
    a leading ``#`` as Brightspace's own export does), a numeric item is ``<item> Points Grade``,
    and the last column is ``End-of-Line Indicator`` holding ``#``."""
    rows = [["OrgDefinedId", "Username"] + [f"{c.title} Points Grade" for c in cols] + ["End-of-Line Indicator"]]
    for s in book.students:
        org = s.extra.get("OrgDefinedId", "")
        rows.append([f"#{org}" if org else "", f"#{s.lms_id}"] + [_num(book.value(s, c.what)) for c in cols] + ["#"])
    return _csv(rows)


@dataclass(frozen=True)
class Exporter:
    name: str
    file_name: str
    write: Callable[[Gradebook, list[Column], datetime], str]
    single: bool = False  # the LMS takes one grade per file


EXPORTERS = {e.name: e for e in (
    Exporter("canvas", "canvas-import.csv", canvas),
    Exporter("moodle", "moodle-grading-worksheet.csv", moodle, single=True),
    Exporter("blackboard", "blackboard-grade-center.csv", blackboard),
    Exporter("brightspace", "brightspace-grades-import.csv", brightspace),
)}


def import_file(lms: str, book: Gradebook, settings: dict, now: datetime | None = None) -> str:
    """The text of ``lms``'s import file for ``book``: the students with an LMS id (one known by a
    name alone is left out, :func:`left_out`: the LMS would take the name for a username)."""
    exporter = EXPORTERS[lms]
    cols = columns(settings, lms, book.exercises, single=exporter.single)
    with_ids = replace(book, students=[s for s in book.students if s.id_known])
    return exporter.write(with_ids, cols, now or datetime.now().astimezone())


def left_out(book: Gradebook) -> list[str]:
    """Who :func:`import_file` leaves out: known by a name alone (Brightspace's download, on no roster line)."""
    return [s.name or s.lms_id for s in book.students if not s.id_known]
