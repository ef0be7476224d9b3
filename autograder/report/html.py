"""A feedback page per student: messages and hints, and pictures where looking beats reading.

Pictures (matplotlib, Agg, embedded as base64 PNG) are drawn from plain data in
a check's ``details``:

* ``boundary``: the student's decision boundary against the reference (ex03);
* ``history``: training curves (``loss``, ``val_loss``, ``accuracy``, ``val_accuracy``);
* ``confusion_matrix``: the digits' confusion matrix, with ``accuracy`` when given.

Everything that comes from a student (names, messages quoting their values,
printed output) is escaped; the page has no scripts.

One renderer for every place a student reads HTML: :func:`exercise_html` is
both a section of the class grader's feedback page (:func:`student_page`) and
what a notebook's check cell shows (:func:`notebook_html`). It styles inline,
so JupyterLab shows it as the page does.
"""

from __future__ import annotations

import base64
import html
import io
import math
from typing import Any

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


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _pyplot():
    try:
        import matplotlib

        matplotlib.use("Agg", force=True)
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    return plt


def _finite(values: Any) -> list[float] | None:
    try:
        out = [float(v) for v in values]
    except (TypeError, ValueError):
        return None
    return out if out and all(math.isfinite(v) for v in out) else None


def draw_boundary(data: dict[str, Any]) -> str | None:
    plt = _pyplot()
    ref = _finite(data.get("reference") or [])
    if plt is None or ref is None or len(ref) != 2:
        return None
    student = _finite(data.get("student") or [])
    coef = _finite(data.get("coefficients") or []) or []
    fig, ax = plt.subplots(figsize=(4.2, 3.6))
    xs = [-6.0, 6.0]
    lo, hi = min(ref[0] + ref[1] * x for x in xs), max(ref[0] + ref[1] * x for x in xs)
    pad = max(3.0, (hi - lo) * 0.25)
    if len(coef) == 3 and coef[2] != 0:
        import numpy as np

        g1, g2 = np.meshgrid(np.linspace(-6, 6, 120), np.linspace(lo - pad, hi + pad, 120))
        cls = (coef[0] + coef[1] * g1 + coef[2] * g2 >= 0).astype(float)
        ax.contourf(g1, g2, cls, levels=[-0.5, 0.5, 1.5], colors=["#ddeeff", "#ffe9d6"], alpha=0.9)
    ax.plot(xs, [ref[0] + ref[1] * x for x in xs], color="#1a7f37", lw=2.5, label="reference")
    if student is not None and len(student) == 2:
        ax.plot(xs, [student[0] + student[1] * x for x in xs], color="#cf222e", lw=2, ls="--", label="yours")
    ax.set_xlim(*xs)
    ax.set_ylim(lo - pad, hi + pad)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    title = "b0, b1, b2 = " + ", ".join(f"{c:g}" for c in coef) if coef else "decision boundary"
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=8, loc="best")
    return _png(fig)


def draw_history(history: dict[str, Any]) -> str | None:
    plt = _pyplot()
    finite = {k: _finite(v) for k, v in history.items() if isinstance(v, (list, tuple))}
    curves: dict[str, list[float]] = {k: v for k, v in finite.items() if v}
    if plt is None or not curves:
        return None
    losses = {k: v for k, v in curves.items() if "loss" in k}
    others = {k: v for k, v in curves.items() if "loss" not in k}
    panels = [p for p in (losses, others) if p]
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 3.2), squeeze=False)
    for ax, panel in zip(axes[0], panels, strict=False):
        for name, values in sorted(panel.items()):
            ax.plot(range(1, len(values) + 1), values, marker="o", ms=3, label=name,
                    ls="--" if name.startswith("val_") else "-")
        ax.set_xlabel("epoch")
        ax.legend(fontsize=8)
    return _png(fig)


def draw_confusion(matrix: Any, accuracy: Any = None) -> str | None:
    plt = _pyplot()
    try:
        rows = [[int(v) for v in row] for row in matrix]
    except (TypeError, ValueError):
        return None
    if plt is None or not rows or any(len(r) != len(rows) for r in rows) or len(rows) > 50:
        return None
    n = len(rows)
    fig, ax = plt.subplots(figsize=(0.42 * n + 1.6, 0.42 * n + 1.2))
    ax.imshow(rows, cmap="Blues")
    top = max(max(r) for r in rows) or 1
    if n <= 12:
        for i, r in enumerate(rows):
            for j, v in enumerate(r):
                ax.text(j, i, str(v), ha="center", va="center", fontsize=7,
                        color="white" if v > top / 2 else "black")
    ax.set_xticks(range(n))
    ax.set_yticks(range(n))
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    if isinstance(accuracy, (int, float)) and math.isfinite(accuracy):
        ax.set_title(f"accuracy {accuracy:.3f}", fontsize=9)
    return _png(fig)


def figures(details: dict[str, Any]) -> list[tuple[str, str]]:
    """(caption, base64 PNG) for every picture the details allow."""
    out = []
    try:
        if isinstance(details.get("boundary"), dict):
            png = draw_boundary(details["boundary"])
            if png:
                out.append(("Your decision boundary (dashed) against the reference; shading: "
                            "the reference's classes", png))
        if isinstance(details.get("history"), dict):
            png = draw_history(details["history"])
            if png:
                out.append(("Training curves", png))
        if details.get("confusion_matrix") is not None:
            png = draw_confusion(details["confusion_matrix"], details.get("accuracy"))
            if png:
                out.append(("Confusion matrix on the held-out digits", png))
    except Exception:
        pass
    return out


_CELL = "text-align:left;padding:.35rem .5rem;vertical-align:top;border-bottom:1px solid #eaeef2"


def _check_row(check: dict[str, Any]) -> str:
    label, colour = MARKS.get(check.get("status", ""), ("?", "#57606a"))
    text = esc(check.get("message", ""))
    if check.get("hint") and not check.get("passed") and check.get("status") != "not_attempted":
        text += f'<div class="hint" style="color:#57606a">Hint: {esc(check["hint"])}</div>'
    figs = "".join(f'<figure style="display:inline-block;margin:.5rem 1rem .5rem 0">'
                   f'<img alt="{esc(cap)}" src="data:image/png;base64,{png}">'
                   f'<figcaption style="font-size:.85rem;color:#57606a">{esc(cap)}</figcaption></figure>'
                   for cap, png in figures(check.get("details") or {}))
    if figs:
        text += f"<div>{figs}</div>"
    hidden = " (hidden)" if check.get("hidden") else ""
    return (f'<tr class="deepgrade-{esc(check.get("status", ""))}"><td style="{_CELL}">'
            f'{esc(check.get("name", ""))}{hidden}</td>'
            f'<td class="st" style="{_CELL};font-weight:600;white-space:nowrap;color:{colour}">{esc(label)}</td>'
            f'<td style="{_CELL}">{check.get("points", 0):g}/{check.get("max_points", 0):g}</td>'
            f'<td style="{_CELL}">{text}</td></tr>')


def exercise_html(record: dict[str, Any], heading: str = "h2") -> str:
    """One exercise's result (``ExerciseResult.to_json()`` plus, optionally, ``submission`` and
    ``output``): its points, notes, a row per check with pictures, what the code printed."""
    points = record.get("final_score", record["score"])
    parts = [f'<{heading}>{esc(record["exercise"])}: {points:g} / {record["max_score"]:g}</{heading}>']
    if record.get("late"):
        from .gradescope import late_line

        parts.append(f'<p class="late" style="color:#9a6700">{esc(late_line(record))}</p>')
    if record.get("submission"):
        parts.append(f"<p>Graded file: <code>{esc(str(record['submission']).rsplit('/', 1)[-1])}</code></p>")
    for note in record.get("notes", []):
        parts.append(f'<p class="note" style="color:#9a6700">Note: {esc(note)}</p>')
    parts.append('<table style="border-collapse:collapse;width:100%"><tr>'
                 + "".join(f'<th style="{_CELL}">{h}</th>' for h in ("check", "result", "points", "what we saw"))
                 + "</tr>")
    parts += [_check_row(c) for c in record.get("checks", [])]
    parts.append("</table>")
    if record.get("output"):
        parts.append(f"<details><summary>What your code printed (first few KiB)</summary>"
                     f"<pre>{esc(record['output'])}</pre></details>")
    return "\n".join(parts)


def notebook_html(record: dict[str, Any], footer: str = "") -> str:
    """What a check cell shows in Jupyter: :func:`exercise_html`, and a closing line."""
    body = exercise_html(record, heading="h3")
    if footer:
        body += f'<p style="color:#57606a">{esc(footer)}</p>'
    return f'<div class="deepgrade-report">{body}</div>'


def student_page(student: str, records: list[dict[str, Any]]) -> str:
    got = sum(r.get("final_score", r["score"]) for r in records)
    possible = sum(r["max_score"] for r in records)
    parts = [f"<!doctype html><html lang=en><head><meta charset=utf-8>"
             "<meta http-equiv=Content-Security-Policy content=\"default-src 'none'; img-src data:; "
             "style-src 'unsafe-inline'\">"
             f"<title>Feedback: {esc(student)}</title><style>{STYLE}</style></head><body>",
             f"<h1>Feedback for {esc(student)}</h1><p><b>{got:g} / {possible:g}</b> points</p>"]
    parts += [exercise_html(r) for r in sorted(records, key=lambda r: r["exercise"])]
    parts.append("</body></html>")
    return "\n".join(parts)


def index_page(rows: list[tuple[str, str, float, float]]) -> str:
    """(student, page file name, points, possible) -> a linked table."""
    body = "".join(f'<tr><td><a href="{esc(page)}">{esc(s)}</a></td><td>{got:g} / {pos:g}</td></tr>'
                   for s, page, got, pos in rows)
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>Class feedback</title>"
            f"<style>{STYLE}</style></head><body><h1>Class feedback</h1>"
            f"<table><tr><th>student</th><th>points</th></tr>{body}</table></body></html>")
