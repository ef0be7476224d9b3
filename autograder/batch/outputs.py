"""Everything ``deepgrade grade`` writes into OUT, each file atomically."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..lms.export import EXPORTERS, import_file
from ..lms.marks import gradebook_from_records, with_roster
from ..lms.read import Download
from ..lms.roster import Roster
from ..report.class_page import class_page
from ..report.class_report import Graded, class_report, graded_from_records
from ..report.gradescope import gradescope_results
from ..report.html import index_page, student_page
from ..report.tables import grades_csv
from ..results import RESULTS_FILE, ClassResults, Record
from .cache import write_atomic


def safe_name(text: str) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._") or "student"
    return name[:100]


#: File names the outputs use beside the students' own (the feedback folder's index page).
RESERVED_NAMES = frozenset({"index"})


def student_file_names(students: list[str]) -> dict[str, str]:
    """Each student's own file name in OUT (feedback page, Gradescope folder): two names that
    sanitise alike ("a b", "a?b", "a_b"), or differ only in case (one file on a case-insensitive
    disk), or a student named like the index page, get names of their own: none overwrites another."""
    names: dict[str, str] = {}
    used = set(RESERVED_NAMES)
    for student in sorted(students):
        name = safe_name(student)
        while name.lower() in used:
            name += "_"
        used.add(name.lower())
        names[student] = name
    return names


def feedback_pages(students: list[str]) -> dict[str, str]:
    """Each student's feedback page's file name (see :func:`student_file_names`)."""
    return {student: f"{name}.html" for student, name in student_file_names(students).items()}


def write_class_report(graded: list[Graded], out: Path, pages: dict[str, str] | None = None) -> dict[str, Path]:
    """OUT/class.json and OUT/class.html: what the class got wrong (``deepgrade report`` remakes them)."""
    report = class_report(graded)
    paths = {"class_json": out / "class.json", "class_html": out / "class.html"}
    write_atomic(paths["class_json"], json.dumps(report.to_json(), indent=1))
    links = {s: f"feedback/{p}" for s, p in (pages or {}).items()}
    write_atomic(paths["class_html"], class_page(report, links, shared_work(out)))
    return paths


def shared_work(out: Path) -> dict[str, int] | None:
    """Pairs listed per exercise by ``deepgrade integrity OUT`` (OUT/integrity.json), if it was run."""
    try:
        data = json.loads((out / "integrity.json").read_text(encoding="utf-8"))
        return {str(e["exercise"]): len(e["pairs"]) for e in data["exercises"]}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def import_possible(download: Download, roster: Roster | None) -> bool:
    """Whether the download's LMS takes an import file we can fill: it has one, and either its
    download carries ids or a roster gave them (Brightspace's carries names only)."""
    from ..lms.base import sources

    known = sources().get(download.source)
    return download.source in EXPORTERS and (roster is not None or (known is not None and known.has_ids))


def remove_stale_imports(out: Path, written: Path | None) -> list[Path]:
    """Remove the LMS import files in OUT that this run did not write: they hold an earlier run's
    marks (another class, or this one before a late submission or a regrade), and beside this run's
    results.json they would be imported as if they were its marks. Returns what was removed."""
    stale = [out / name for name in sorted({e.file_name for e in EXPORTERS.values()})
             if (out / name) != written and (out / name).is_file()]
    for path in stale:
        path.unlink()
    return stale


def _ours(path: Path, head: bytes) -> bool:
    """The file starts as deepgrade writes it (nothing of anyone else's in OUT is removed)."""
    try:
        with open(path, "rb") as f:
            return f.read(len(head)) == head
    except OSError:
        return False


def remove_stale_pages(out: Path, records: list[Record]) -> list[Path]:
    """Remove the feedback pages and Gradescope results an earlier run into OUT wrote for students
    (or exercises) this run has not: a student renamed by a roster (``lovelaceada (1001)`` became
    ``Lovelace, Ada (1001)``), one no longer in the class. Left beside this run's, a page handed out
    or a folder uploaded would give a student an earlier run's marks, or a stranger's."""
    pages = set(feedback_pages(sorted({r.student for r in records})).values()) | {"index.html"}
    folders = student_file_names(sorted({r.student for r in records}))
    results = {out / "gradescope" / folders[r.student] / safe_name(r.exercise) / "results.json" for r in records}
    stale = [p for p in sorted((out / "feedback").glob("*.html")) if p.name not in pages
             and _ours(p, b"<!doctype html><html lang=en><head><meta charset=utf-8>")]
    stale += [p for p in sorted((out / "gradescope").glob("*/*/results.json")) if p not in results
              and _ours(p, b"{")]
    for path in stale:
        path.unlink()
        if path.name == "results.json":  # gradescope/<student>/<exercise>/: the folders it leaves empty
            for folder in (path.parent, path.parent.parent):
                if not any(folder.iterdir()):
                    folder.rmdir()
    return stale


def write_outputs(results: ClassResults, out: Path, download: Download | None = None,
                  settings: dict[str, Any] | None = None, roster: Roster | None = None) -> dict[str, Path]:
    """results.json (with the download's inventory: every file's fate), grades.csv, the LMS's
    import file when the download came from one that takes one, Gradescope results, feedback."""
    records = results.records
    paths = {"results": out / RESULTS_FILE, "grades": out / "grades.csv",
             "gradescope": out / "gradescope", "feedback": out / "feedback"}
    write_atomic(paths["results"], json.dumps(results.to_json(), indent=1))
    write_atomic(paths["grades"], grades_csv(records))
    if download is not None and import_possible(download, roster):
        paths["import"] = out / EXPORTERS[download.source].file_name
        book = gradebook_from_records(records)
        if roster is not None:
            with_roster(book, roster)  # the SIS ids, OrgDefinedIds and emails the import file carries
        write_atomic(paths["import"], import_file(download.source, book, settings or {}))
    by_student: dict[str, list[Record]] = {}
    folders = student_file_names(sorted({r.student for r in records}))
    for r in records:
        by_student.setdefault(r.student, []).append(r)
        target = paths["gradescope"] / folders[r.student] / safe_name(r.exercise) / "results.json"
        write_atomic(target, json.dumps(gradescope_results(r), indent=1))
    rows = []
    pages = feedback_pages(list(by_student))
    for student, page in pages.items():
        write_atomic(paths["feedback"] / page, student_page(student, by_student[student]))
        rows.append((student, page, sum(r.final_score for r in by_student[student]),
                     sum(r.max_score for r in by_student[student])))
    write_atomic(paths["feedback"] / "index.html", index_page(rows))
    paths.update(write_class_report(graded_from_records(records), out, pages))
    return paths
