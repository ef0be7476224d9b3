"""``class.html``: the class report in one inert page, mistakes ranked first.

Drawn from a :class:`~autograder.report.class_report.ClassReport` with the same
picture renderer as the feedback pages (histograms with their description as
alt text). The page has no script, and a Content-Security-Policy that allows
none; every name and message is escaped.
"""

from __future__ import annotations

from collections.abc import Mapping

from .class_report import ClassReport, Incident, ModelMarks
from .html import STYLE, esc, figure_html
from .pictures import SPLIT_WORDS, histogram_picture


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _student(name: str, pages: Mapping[str, str]) -> str:
    page = pages.get(name)
    return f'<a href="{esc(page)}">{esc(name)}</a>' if page else esc(name)


def _mistakes(report: ClassReport, pages: Mapping[str, str]) -> str:
    if not report.mistakes:
        return "<p>No named mistake: every failed check failed for a reason of its own.</p>"
    total = len(report.students)
    rows = "".join(
        f'<tr class="mistake"><td>{rank}</td><td>{esc(m.exercise)}</td><td><code>{esc(m.mistake)}</code></td>'
        f'<td data-count="{m.count}">{m.count} of {total} ({m.count / total:.0%})</td><td>{esc(m.hint)}</td>'
        f"<td>{_student(m.example, pages)}</td><td>{esc(', '.join(m.checks))}</td></tr>"
        for rank, m in enumerate(report.mistakes, start=1))
    return ('<table id="mistakes"><tr><th>#</th><th>exercise</th><th>mistake</th><th>students</th>'
            f"<th>hint they got</th><th>for example</th><th>checks</th></tr>{rows}</table>")


def _exercise(report: ClassReport, index: int) -> str:
    summary = report.exercises[index]
    scores = list(summary.scores.values())
    top = summary.max_score or 1.0
    step = max(top / 10, 0.5)
    bins = [i * step for i in range(int(top / step) + 1)]
    bins = bins if bins[-1] >= top else [*bins, top]
    bins[-1] += 1e-9  # the full score falls in the last bin
    picture = histogram_picture(scores, bins=bins, xlabel="points", caption=f"{summary.exercise}: points per student")
    rows = "".join(
        f'<tr><td>{esc(c.check)}{" (hidden)" if c.hidden else ""}</td>'
        f'<td data-rate="{c.pass_rate:.4f}">{c.passed} of {c.graded} ({c.pass_rate:.0%})</td>'
        f"<td>{c.partial}</td></tr>" for c in summary.checks)
    said = (f"<p>{_plural(len(scores), 'student')}, mean {summary.mean:.2g} of {summary.max_score:g} points; "
            f"{summary.not_attempted} not attempted.</p>")
    return (f'<section class="exercise" id="ex-{esc(summary.exercise)}"><h3>{esc(summary.exercise)}</h3>{said}'
            + (figure_html(picture) if picture else "")
            + f"<table><tr><th>check</th><th>passed</th><th>partial</th></tr>{rows}</table></section>")


def _model(marks: ModelMarks) -> str:
    values = [a.accuracy for a in marks.accuracies]
    low = min([*values, marks.zero_at]) - 0.05
    bins = [round(max(0.0, low) + i * 0.025, 4) for i in range(int((1.0 - max(0.0, low)) / 0.025) + 2)]
    split = SPLIT_WORDS.get(marks.split, marks.split)
    picture = histogram_picture(values, bins=bins, xlabel=f"{split} accuracy",
                                caption=f"{marks.exercise} {marks.check}: {split} accuracy per student",
                                marks=[(marks.zero_at, "no points"), (marks.pass_at, "full points")])
    full = sum(a.accuracy >= marks.pass_at for a in marks.accuracies)
    none = sum(a.accuracy <= marks.zero_at for a in marks.accuracies)
    said = (f"<p>{full} of {len(values)} at or above the pass mark {marks.pass_at:.2f}; {none} at or below "
            f"{marks.zero_at:.2f} (no points).</p>")
    return f'<section class="model"><h3>{esc(marks.exercise)}: {esc(marks.check)}</h3>{said}' + (
        figure_html(picture) if picture else "") + "</section>"


def _incidents(items: list[Incident], pages: Mapping[str, str], empty: str) -> str:
    if not items:
        return f"<p>{esc(empty)}</p>"
    rows = "".join(f"<tr><td>{_student(i.student, pages)}</td><td>{esc(i.exercise)}</td><td>{esc(i.check)}</td>"
                   f"<td>{esc(i.status)}</td><td>{esc(i.message)}</td></tr>" for i in items)
    return ("<table><tr><th>student</th><th>exercise</th><th>check</th><th>verdict</th><th>what happened</th></tr>"
            f"{rows}</table>")


def _shared_work(pairs: Mapping[str, int]) -> str:
    rows = "".join(f"<tr><td>{esc(name)}</td><td>{n}</td></tr>" for name, n in sorted(pairs.items()))
    return ("<h2>Shared work</h2><p>Pairs of submissions whose code is shared beyond the release, or whose "
            "trained models make the same mistakes, more than independent work was measured to: places to look, "
            'not verdicts. The pairs and their evidence are in <a href="integrity.html">integrity.html</a>.</p>'
            f"<table><tr><th>exercise</th><th>pairs listed</th></tr>{rows}</table>")


def class_page(report: ClassReport, pages: Mapping[str, str] | None = None,
               shared_work: Mapping[str, int] | None = None) -> str:
    """The whole report as one page; ``pages`` links a student to their feedback page;
    ``shared_work``: the integrity report's pairs per exercise, when it was made."""
    pages = pages or {}
    n = len(report.students)
    parts = ["<!doctype html><html lang=en><head><meta charset=utf-8>"
             "<meta http-equiv=Content-Security-Policy content=\"default-src 'none'; img-src data:; "
             "style-src 'unsafe-inline'\">"
             f"<title>Class report</title><style>{STYLE}</style></head><body>",
             f"<h1>Class report</h1><p>{_plural(n, 'student')}, {_plural(len(report.exercises), 'exercise')}. "
             "Points are the checks' points, before any late penalty.</p>",
             "<h2>What the class got wrong</h2><p>Each named mistake, with the number of students who made it "
             "(once per exercise), most common first.</p>", _mistakes(report, pages),
             "<h2>Exercises</h2>", *(_exercise(report, i) for i in range(len(report.exercises)))]
    if report.models:
        parts += ["<h2>Trained models: accuracy against the marks</h2>", *(_model(m) for m in report.models)]
    if shared_work is not None:
        parts.append(_shared_work(shared_work))
    parts += ["<h2>Learning checks that failed</h2>",
              _incidents(report.learning, pages, "Every network graded learned from its data."),
              "<h2>Errors and time-outs</h2>",
              _incidents(report.troubles, pages, "No grading ended in an error or a time-out."),
              "</body></html>"]
    return "\n".join(parts)
