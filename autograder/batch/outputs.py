"""Everything ``deepgrade grade`` writes into OUT, each file atomically."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..report.gradescope import gradescope_results
from ..report.html import index_page, student_page
from ..report.tables import grades_csv
from .cache import write_atomic

PUBLIC_KEYS = ("student", "exercise", "score", "max_score", "checks", "notes", "submission", "seconds",
               "output")


def safe_name(text: str) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._") or "student"
    return name[:100]


def write_outputs(records: list[dict[str, Any]], out: Path, sandbox: str = "") -> dict[str, Path]:
    results = {"sandbox": sandbox,
               "submissions": [{k: r[k] for k in PUBLIC_KEYS if k in r} for r in records]}
    paths = {"results": out / "results.json", "grades": out / "grades.csv",
             "gradescope": out / "gradescope", "feedback": out / "feedback"}
    write_atomic(paths["results"], json.dumps(results, indent=1))
    write_atomic(paths["grades"], grades_csv(records))
    by_student: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        by_student.setdefault(r["student"], []).append(r)
        target = paths["gradescope"] / safe_name(r["student"]) / safe_name(r["exercise"]) / "results.json"
        write_atomic(target, json.dumps(gradescope_results(r), indent=1))
    rows = []
    used: set[str] = set()
    for student in sorted(by_student):
        page = safe_name(student)
        while page in used:  # two names that sanitise alike
            page += "_"
        used.add(page)
        write_atomic(paths["feedback"] / f"{page}.html", student_page(student, by_student[student]))
        rows.append((student, f"{page}.html", sum(r["score"] for r in by_student[student]),
                     sum(r["max_score"] for r in by_student[student])))
    write_atomic(paths["feedback"] / "index.html", index_page(rows))
    return paths
