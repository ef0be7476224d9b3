"""The class list, as each LMS exports it, or a plain CSV: who should have a row.

Formats (each read by its header row):

* Canvas gradebook export: ``Student, ID, SIS User ID, SIS Login ID, Section, ...`` with a
  ``Points Possible`` row under the header; the id is ``ID`` (Canvas's user id, as in downloads).
* Moodle offline grading worksheet: ``Identifier`` (``Participant <id>``), ``Full name``,
  ``Email address``, ...; the id is the participant number.
* Blackboard Grade Center export (``Work Offline > Download``; tab-separated, often UTF-16):
  ``Last Name, First Name, Username, Student ID, ...``; the id is ``Username``.
* Brightspace grades export: ``OrgDefinedId, Username, Last Name, First Name, Email, ...,
  End-of-Line Indicator``; the id is ``Username`` (``OrgDefinedId`` kept for the import file).
* A plain CSV with ``id`` and ``name`` columns (``email`` optional).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from .names import fold


class RosterError(Exception):
    """The roster file cannot be read: says which columns were expected."""


@dataclass(frozen=True)
class RosterEntry:
    lms_id: str
    name: str
    #: The other columns an import file may need (SIS ids, section, OrgDefinedId, email).
    extra: dict[str, str] = field(default_factory=dict, hash=False, compare=False)


@dataclass
class Roster:
    kind: str  # canvas | moodle | blackboard | brightspace | plain
    entries: list[RosterEntry]

    def by_id(self, lms_id: str) -> RosterEntry | None:
        for e in self.entries:
            if e.lms_id == lms_id:
                return e
        return None

    def _named(self, name: str) -> list[RosterEntry]:
        want = fold(name)
        return [e for e in self.entries if fold(e.name) == want or fold(_first_last(e.name)) == want]

    def by_name(self, name: str) -> RosterEntry | None:
        """The one entry of this display name (None when none, or when two share it)."""
        hits = self._named(name)
        return hits[0] if len(hits) == 1 else None

    def ambiguous(self, name: str) -> bool:
        return len(self._named(name)) > 1


def _first_last(name: str) -> str:
    """``Last, First`` (Canvas's sortable name) as ``First Last``."""
    if "," in name:
        last, first = name.split(",", 1)
        return f"{first.strip()} {last.strip()}"
    return name


def _text(path: Path) -> str:
    raw = path.read_bytes()
    for bom, codec in ((b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"), (b"\xef\xbb\xbf", "utf-8-sig")):
        if raw.startswith(bom):
            return raw.decode(codec)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _rows(text: str) -> list[dict[str, str]]:
    first = text.splitlines()[0] if text else ""
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    rows = []
    for row in reader:
        rows.append({(k or "").strip(): (v or "").strip() for k, v in row.items() if k is not None})
    return rows


def _full(row: dict[str, str]) -> str:
    return f"{row.get('First Name', '')} {row.get('Last Name', '')}".strip()


def _strip_hash(value: str) -> str:
    """Brightspace writes ``#`` before ids in some exports."""
    return value[1:] if value.startswith("#") else value


def read_roster(path: Path) -> Roster:
    try:
        rows = _rows(_text(Path(path)))
    except OSError as exc:
        raise RosterError(f"cannot read the roster {path}: {exc}") from exc
    header = set(rows[0]) if rows else set()
    if {"Student", "ID"} <= header:  # Canvas
        entries = [RosterEntry(r["ID"], r["Student"], {k: r.get(k, "") for k in
                                                       ("SIS User ID", "SIS Login ID", "Section")})
                   for r in rows if r["ID"] and "Points Possible" not in r["Student"]]
        return Roster("canvas", entries)
    if "Identifier" in header:  # Moodle
        entries = [RosterEntry(r["Identifier"].split()[-1], r.get("Full name", ""),
                               {"Email address": r.get("Email address", "")})
                   for r in rows if r["Identifier"].strip()]
        return Roster("moodle", entries)
    if "Username" in header and "OrgDefinedId" in header:  # Brightspace
        entries = [RosterEntry(_strip_hash(r["Username"]), _full(r),
                               {"OrgDefinedId": _strip_hash(r["OrgDefinedId"]), "Email": r.get("Email", "")})
                   for r in rows if r["Username"]]
        return Roster("brightspace", entries)
    if "Username" in header and "Last Name" in header:  # Blackboard
        entries = [RosterEntry(r["Username"], _full(r),
                               {"Student ID": r.get("Student ID", "")})
                   for r in rows if r["Username"]]
        return Roster("blackboard", entries)
    lowered = [{k.lower(): v for k, v in r.items()} for r in rows]
    key = next((k for k in ("id", "student id", "sid", "username", "lms id") if rows and k in lowered[0]), None)
    if key is None:
        raise RosterError(f"{path}: no column says who the students are: expected Canvas's Student/ID, Moodle's "
                          "Identifier, Blackboard's Username, Brightspace's OrgDefinedId/Username, or a plain "
                          f"CSV with id and name (found: {', '.join(sorted(header)) or 'nothing'})")
    entries = [RosterEntry(r[key], r.get("name", ""), {"email": r.get("email", "")}) for r in lowered if r[key]]
    return Roster("plain", entries)
