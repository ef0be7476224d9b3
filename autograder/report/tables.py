"""A class's points as tables: ``grades.csv`` (a row per student) and the summary printed at the end."""

from __future__ import annotations

import csv
import io
import textwrap
from collections import Counter

from ..results import Record
from .text import plural


def _cell(text: str) -> str:
    """Keep spreadsheet programs from running a student's name as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def by_student(records: list[Record]) -> tuple[list[str], list[str], dict[str, dict[str, Record]]]:
    students = sorted({r.student for r in records})
    exercises = sorted({r.exercise for r in records})
    table: dict[str, dict[str, Record]] = {s: {} for s in students}
    for r in records:
        table[r.student][r.exercise] = r
    return students, exercises, table


def grades_csv(records: list[Record]) -> str:
    """A row per student: the LMS id and name, each exercise's points after any late penalty,
    the total; then the raw total, the exercises handed in late and the points the penalty took
    (the late flag and the penalty are separate columns)."""
    students, exercises, table = by_student(records)
    maxima = {e: max((table[s][e].max_score for s in students if e in table[s]), default=0.0) for e in exercises}
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["student", "id", "name", *exercises, "total", "max_total", "raw_total", "late", "penalty"])
    for s in students:
        rows = [table[s][e] for e in exercises if e in table[s]]
        first = rows[0] if rows else None
        points = [table[s][e].final_score if e in table[s] else 0 for e in exercises]
        raw = sum(r.raw_score for r in rows)
        late = ";".join(r.exercise for r in rows if r.late)
        writer.writerow([_cell(s), _cell(first.lms_id if first else s), _cell(first.name if first else ""),
                         *(f"{p:g}" for p in points), f"{sum(points):g}", f"{sum(maxima.values()):g}",
                         f"{raw:g}", late, f"{raw - sum(points):g}" if late else ""])
    return buf.getvalue()


def short_names(exercises: list[str]) -> dict[str, str]:
    """Each exercise's column header: its first word (``ex01``) where that is unique, else its name."""
    first = {e: e.split("_")[0] for e in exercises}
    return {e: (f if list(first.values()).count(f) == 1 else e) for e, f in first.items()}


def summary_table(records: list[Record], width: int = 100) -> str:
    """Points per student and exercise, for a terminal ``width`` columns wide: exercises under
    short headers (named in a legend), in as many blocks as the width needs, each repeating the
    student; the total closes the last block. Every line fits (but a student name longer than the
    width). grades.csv has the same points, a column per exercise."""
    students, exercises, table = by_student(records)
    heads = short_names(exercises)
    sw = min(max([7] + [len(s) for s in students]), 32) + 2
    cells: dict[str, dict[str, str]] = {s: {} for s in students}
    totals: dict[str, str] = {}
    for s in students:
        got = possible = 0.0
        for e in exercises:
            r = table[s].get(e)
            if r is None:
                cells[s][e] = "-"
                continue
            points = r.final_score
            got, possible = got + points, possible + r.max_score
            cells[s][e] = f"{'L' if r.late else ''}{points:g}/{r.max_score:g}"
        totals[s] = f"{got:g}/{possible:g}"
    widths = {e: max([len(heads[e])] + [len(cells[s][e]) for s in students]) + 2 for e in exercises}
    total_w = max([5] + [len(t) for t in totals.values()]) + 2
    blocks: list[list[str]] = [[]]
    used = sw
    for e in exercises:
        if blocks[-1] and used + widths[e] > width:
            blocks.append([])
            used = sw
        blocks[-1].append(e)
        used += widths[e]
    if used + total_w > width and blocks[-1]:
        blocks.append([])
    lines: list[str] = []
    for k, block in enumerate(blocks):
        last = k == len(blocks) - 1
        head = f"{'student':<{sw}}" + "".join(f"{heads[e]:>{widths[e]}}" for e in block)
        head += f"{'total':>{total_w}}" if last else ""
        if k:
            lines.append("")
        lines += [head, "-" * len(head)]
        for s in students:
            name = s if len(s) <= sw - 2 else s[: sw - 3] + "~"
            row = f"{name:<{sw}}" + "".join(f"{cells[s][e]:>{widths[e]}}" for e in block)
            lines.append(row + (f"{totals[s]:>{total_w}}" if last else ""))
    legend = [f"{heads[e]} = {e}" for e in exercises if heads[e] != e]
    if legend:
        lines.append("")
        lines += textwrap.wrap("; ".join(legend), width)
    statuses = Counter(c.status.value for r in records for c in r.result.checks)
    lines.append("")
    lines += textwrap.wrap("checks: " + ", ".join(f"{n} {k}" for k, n in sorted(statuses.items())), width)
    late = [r for r in records if r.late]
    if late:
        lines.append(f"late (L): {plural(len(late), 'submission')}; points shown after the penalty "
                     f"({sum(1 for r in late if r.handed.lateness and r.handed.lateness.penalty_percent)} penalised)")
    return "\n".join(lines)
