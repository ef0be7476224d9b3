"""A feedback page per student: messages and hints, and pictures where looking beats reading.

Pictures (:mod:`autograder.report.pictures`, embedded as base64 PNG with their
description as alt text) are drawn from plain data in a check's ``details``; an
exercise's training curves are drawn once, under the first check that has them.

Everything that comes from a student (names, messages quoting their values,
printed output) is escaped; the page has no scripts.

One renderer for every place a student reads HTML: :func:`exercise_html` is
both a section of the class grader's feedback page (:func:`student_page`) and
what a notebook's check cell shows (:func:`notebook_html`). It styles inline,
so JupyterLab shows it as the page does.
"""

from __future__ import annotations

import html
from typing import Any

from ..results import Record
from ..score import CheckResult, ExerciseResult, Status
from .pictures import Picture, figures

MARKS = {"passed": ("pass", "#1a7f37"), "partial": ("partial", "#9a6700"), "failed": ("fail", "#cf222e"),
         "not_attempted": ("to do", "#57606a"), "error": ("error", "#cf222e"), "timeout": ("time-out", "#cf222e")}

STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1f2328}
h1{margin-bottom:.2rem} h2{border-bottom:1px solid #d0d7de;padding-bottom:.3rem;margin-top:2rem}
table{border-collapse:collapse;width:100%} td,th{text-align:left;padding:.35rem .5rem;vertical-align:top;
border-bottom:1px solid #eaeef2} .st{font-weight:600;white-space:nowrap} .hint{color:#57606a}
pre{background:#f6f8fa;padding:.6rem;overflow:auto;max-height:20rem;font-size:.85rem}
figure{display:inline-block;margin:.5rem 1rem .5rem 0} figcaption{font-size:.85rem;color:#57606a}
.note{color:#9a6700}
"""


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


_CELL = "text-align:left;padding:.35rem .5rem;vertical-align:top;border-bottom:1px solid #eaeef2"


def figure_html(picture: Picture) -> str:
    """One picture with its caption; the description is the image's alt text."""
    return (f'<figure style="display:inline-block;margin:.5rem 1rem .5rem 0" data-picture="{esc(picture.kind)}">'
            f'<img alt="{esc(picture.alt)}" src="data:image/png;base64,{picture.png}">'
            f'<figcaption style="font-size:.85rem;color:#57606a">{esc(picture.caption)}</figcaption></figure>')


def _check_row(check: CheckResult, curves: bool = True, same_as: str = "") -> str:
    """A check's row; ``same_as`` names an earlier check of the exercise that said the same message and
    hint (checks of one training share its failure): said once, then pointed to."""
    label, colour = MARKS.get(check.status.value, ("?", "#57606a"))
    if same_as:
        text = f'<span class="same">as for {esc(same_as)} above</span>'
    else:
        text = esc(check.message)
        if check.hint and not check.passed and check.status is not Status.NOT_ATTEMPTED:
            text += f'<div class="hint" style="color:#57606a">Hint: {esc(check.hint)}</div>'
    figs = "".join(figure_html(p) for p in figures(check.details, curves=curves))
    if figs:
        text += f"<div>{figs}</div>"
    hidden = " (hidden)" if check.hidden else ""
    return (f'<tr class="deepgrade-{esc(check.status.value)}"><td style="{_CELL}">'
            f'{esc(check.name)}{hidden}</td>'
            f'<td class="st" style="{_CELL};font-weight:600;white-space:nowrap;color:{colour}">{esc(label)}</td>'
            f'<td style="{_CELL}">{check.points:g}/{check.max_points:g}</td>'
            f'<td style="{_CELL}">{text}</td></tr>')


def exercise_html(record: Record | ExerciseResult, heading: str = "h2") -> str:
    """One exercise's result (a class's record, or a result alone): its points (after any late
    penalty), notes, a row per check with pictures, what the code printed."""
    if isinstance(record, ExerciseResult):
        record = Record(student="", result=record)
    result = record.result
    parts = [f'<{heading}>{esc(result.exercise)}: {record.final_score:g} / {result.max_score:g}</{heading}>']
    if record.late:
        from .gradescope import late_line

        parts.append(f'<p class="late" style="color:#9a6700">{esc(late_line(record))}</p>')
    if record.submission:
        parts.append(f"<p>Graded file: <code>{esc(record.submission.rsplit('/', 1)[-1])}</code></p>")
    for note in result.notes:
        parts.append(f'<p class="note" style="color:#9a6700">Note: {esc(note)}</p>')
    parts.append('<table style="border-collapse:collapse;width:100%"><tr>'
                 + "".join(f'<th style="{_CELL}">{h}</th>' for h in ("check", "result", "points", "what we saw"))
                 + "</tr>")
    checks = result.checks
    first_curves = next((i for i, c in enumerate(checks) if c.details.history), None)
    said: dict[tuple[str, str], str] = {}  # (message, hint) of a failed check -> the first check that said it
    for i, c in enumerate(checks):
        key = (c.message, c.hint)
        repeated = "" if c.passed or not key[0] else said.setdefault(key, c.name)
        parts.append(_check_row(c, curves=i == first_curves, same_as="" if repeated == c.name else repeated))
    parts.append("</table>")
    if record.output:
        parts.append(f"<details><summary>What your code printed (first few KiB)</summary>"
                     f"<pre>{esc(record.output)}</pre></details>")
    return "\n".join(parts)


def notebook_html(result: ExerciseResult, footer: str = "") -> str:
    """What a check cell shows in Jupyter: :func:`exercise_html`, and a closing line."""
    body = exercise_html(result, heading="h3")
    if footer:
        body += f'<p style="color:#57606a">{esc(footer)}</p>'
    return f'<div class="deepgrade-report">{body}</div>'


#: deepgrade's own pages run no script and request nothing: pictures are inline, the style is inline.
CONTENT_SECURITY_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; form-action 'none'"


def page_head(title: str, style: str = "") -> str:
    """The start of every page deepgrade writes: inert (a policy that allows no script, no
    request, only inline styles and embedded pictures), up to the opened body."""
    return ("<!doctype html><html lang=en><head><meta charset=utf-8>"
            f"<meta http-equiv=Content-Security-Policy content=\"{CONTENT_SECURITY_POLICY}\">"
            f"<title>{esc(title)}</title><style>{STYLE}{style}</style></head><body>")


def student_page(student: str, records: list[Record]) -> str:
    got = sum(r.final_score for r in records)
    possible = sum(r.max_score for r in records)
    parts = [page_head(f"Feedback: {student}"),
             f"<h1>Feedback for {esc(student)}</h1><p><b>{got:g} / {possible:g}</b> points</p>"]
    parts += [exercise_html(r) for r in sorted(records, key=lambda r: r.exercise)]
    parts.append("</body></html>")
    return "\n".join(parts)


def index_page(rows: list[tuple[str, str, float, float]]) -> str:
    """(student, page file name, points, possible) -> a linked table."""
    body = "".join(f'<tr><td><a href="{esc(page)}">{esc(s)}</a></td><td>{got:g} / {pos:g}</td></tr>'
                   for s, page, got, pos in rows)
    return (page_head("Class feedback") + "<h1>Class feedback</h1>"
            f"<table><tr><th>student</th><th>points</th></tr>{body}</table></body></html>")
