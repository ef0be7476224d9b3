"""A class's points as tables: ``grades.csv`` (a row per student) and the summary printed at the end."""

from __future__ import annotations

import csv
import io
from collections import Counter
from typing import Any


def _cell(text: str) -> str:
    """Keep spreadsheet programs from running a student's name as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def by_student(records: list[dict[str, Any]]) -> tuple[list[str], list[str], dict[str, dict[str, dict]]]:
    students = sorted({r["student"] for r in records})
    exercises = sorted({r["exercise"] for r in records})
    table: dict[str, dict[str, dict]] = {s: {} for s in students}
    for r in records:
        table[r["student"]][r["exercise"]] = r
    return students, exercises, table


def grades_csv(records: list[dict[str, Any]]) -> str:
    students, exercises, table = by_student(records)
    maxima = {e: max((table[s][e]["max_score"] for s in students if e in table[s]), default=0) for e in exercises}
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["student", *exercises, "total", "max_total"])
    for s in students:
        points = [table[s][e]["score"] if e in table[s] else 0 for e in exercises]
        writer.writerow([_cell(s), *(f"{p:g}" for p in points), f"{sum(points):g}",
                         f"{sum(maxima.values()):g}"])
    return buf.getvalue()


def summary_table(records: list[dict[str, Any]]) -> str:
    students, exercises, table = by_student(records)
    sw = max([7] + [len(s) for s in students]) + 2
    cw = max([9] + [len(e) for e in exercises]) + 2
    lines = [f"{'student':<{sw}}" + "".join(f"{e:>{cw}}" for e in exercises) + f"{'total':>{cw}}"]
    lines.append("-" * len(lines[0]))
    for s in students:
        row, got, possible = f"{s:<{sw}}", 0.0, 0.0
        for e in exercises:
            r = table[s].get(e)
            if r is None:
                row += f"{'-':>{cw}}"
                continue
            got, possible = got + r["score"], possible + r["max_score"]
            row += f"{r['score']:g}/{r['max_score']:g}".rjust(cw)
        lines.append(row + f"{got:g}/{possible:g}".rjust(cw))
    statuses = Counter(c["status"] for r in records for c in r.get("checks", []))
    lines.append("")
    lines.append("checks: " + ", ".join(f"{n} {k}" for k, n in sorted(statuses.items())))
    return "\n".join(lines)
