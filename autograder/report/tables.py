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


def final_score(record: dict[str, Any]) -> float:
    """The points after any late penalty (``score`` is the checks' own, the raw score)."""
    return float(record.get("final_score", record["score"]))


def grades_csv(records: list[dict[str, Any]]) -> str:
    """A row per student: the LMS id and name, each exercise's points after any late penalty,
    the total; then the raw total, the exercises handed in late and the points the penalty took
    (the late flag and the penalty are separate columns)."""
    students, exercises, table = by_student(records)
    maxima = {e: max((table[s][e]["max_score"] for s in students if e in table[s]), default=0) for e in exercises}
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["student", "id", "name", *exercises, "total", "max_total", "raw_total", "late", "penalty"])
    for s in students:
        rows = [table[s][e] for e in exercises if e in table[s]]
        first = rows[0] if rows else {}
        points = [final_score(table[s][e]) if e in table[s] else 0 for e in exercises]
        raw = sum(r["score"] for r in rows)
        late = ";".join(r["exercise"] for r in rows if r.get("late"))
        writer.writerow([_cell(s), _cell(str(first.get("lms_id", s))), _cell(str(first.get("name", ""))),
                         *(f"{p:g}" for p in points), f"{sum(points):g}", f"{sum(maxima.values()):g}",
                         f"{raw:g}", late, f"{raw - sum(points):g}" if late else ""])
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
            points = final_score(r)
            got, possible = got + points, possible + r["max_score"]
            mark = "L" if r.get("late") else ""
            row += f"{mark}{points:g}/{r['max_score']:g}".rjust(cw)
        lines.append(row + f"{got:g}/{possible:g}".rjust(cw))
    statuses = Counter(c["status"] for r in records for c in r.get("checks", []))
    lines.append("")
    lines.append("checks: " + ", ".join(f"{n} {k}" for k, n in sorted(statuses.items())))
    late = [r for r in records if r.get("late")]
    if late:
        lines.append(f"late (L): {len(late)} submission(s); points shown after the penalty "
                     f"({sum(1 for r in late if r.get('penalty_percent'))} penalised)")
    return "\n".join(lines)
