"""Each LMS's import file read back as its importer reads it: who, and which points in which
column. The tests hold every written file to these rules (a header the importer would reject
raises :class:`Rejected`)."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime

from .export import MOODLE_TIME


class Rejected(Exception):
    """The importer would refuse this file: says why."""


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def read_canvas(text: str) -> dict[str, dict[str, float]]:
    """Canvas: by ``ID``; assignment columns are those after the fixed ones; ``Points Possible`` skipped."""
    rows = _rows(text)
    head = rows[0]
    if head[:2] != ["Student", "ID"]:
        raise Rejected("Canvas needs the columns Student and ID first")
    fixed = {"Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Integration ID"}
    cols = [(i, h) for i, h in enumerate(head) if h not in fixed]
    out = {}
    for row in rows[1:]:
        if row[0].strip() == "Points Possible":
            continue
        if not row[1]:
            raise Rejected(f"a row with no ID: {row}")
        out[row[1]] = {h: float(row[i]) for i, h in cols}
    return out


def read_moodle(text: str) -> dict[str, dict[str, float]]:
    """Moodle: ``Identifier`` ``Participant <n>`` -> n; ``Grade``; ``Last modified (grade)`` must parse."""
    rows = _rows(text)
    head = rows[0]
    for need in ("Identifier", "Grade", "Last modified (grade)"):
        if need not in head:
            raise Rejected(f"Moodle's worksheet needs the column {need}")
    ident, grade, modified = head.index("Identifier"), head.index("Grade"), head.index("Last modified (grade)")
    out = {}
    for row in rows[1:]:
        match = re.fullmatch(r"Participant (\d+)", row[ident])
        if not match:
            raise Rejected(f"not a Moodle identifier: {row[ident]!r}")
        datetime.strptime(row[modified], MOODLE_TIME)
        out[match[1]] = {"Grade": float(row[grade])}
    return out


def read_blackboard(text: str) -> dict[str, dict[str, float]]:
    """Blackboard: ``Username``; grade columns are ``<title> [Total Pts: <n>]`` (``|<id>`` optional)."""
    rows = _rows(text)
    head = rows[0]
    if "Username" not in head:
        raise Rejected("Blackboard needs a Username column")
    user = head.index("Username")
    cols = [(i, h) for i, h in enumerate(head) if re.search(r"\[Total Pts: [\d.]+(?: \w+)?\](?: \|\d+)?$", h)]
    return {row[user]: {h: float(row[i]) for i, h in cols} for row in rows[1:]}


def read_brightspace(text: str) -> dict[str, dict[str, float]]:
    """Brightspace: ``OrgDefinedId`` then ``Username`` first (``#`` stripped), ``<item> Points Grade``
    columns, ``End-of-Line Indicator`` last."""
    rows = _rows(text)
    head = rows[0]
    if head[:2] != ["OrgDefinedId", "Username"] or head[-1] != "End-of-Line Indicator":
        raise Rejected("Brightspace needs OrgDefinedId, Username first and End-of-Line Indicator last")
    cols = [(i, h) for i, h in enumerate(head) if h.endswith(" Points Grade")]
    out = {}
    for row in rows[1:]:
        if row[-1] != "#":
            raise Rejected(f"a row without its end-of-line indicator: {row}")
        out[row[1].lstrip("#")] = {h[: -len(" Points Grade")]: float(row[i]) for i, h in cols}
    return out


READERS = {"canvas": read_canvas, "moodle": read_moodle, "blackboard": read_blackboard,
           "brightspace": read_brightspace}
