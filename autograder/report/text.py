"""Plain-text feedback: one line per check, the message and hint only where something is wrong."""

from __future__ import annotations

import textwrap

from ..score import CheckResult, ExerciseResult

MARKS = {"passed": "pass", "partial": "PART", "failed": "FAIL", "not_attempted": "todo", "error": "FAIL",
         "timeout": "TIME"}


def _points(value: float) -> str:
    return f"{value:g}"


def plural(n: int, word: str, words: str = "") -> str:
    """``1 submission``, ``2 submissions`` (``words``: an irregular plural)."""
    return f"{n} {word}" if n == 1 else f"{n} {words or word + 's'}"


def duration(seconds: float) -> str:
    """A run's length, the one way every report says it: ``42.5 s``, ``4 min 01 s``, ``1 h 02 min``."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    whole = int(round(seconds))
    if whole < 3600:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"


def format_check(check: CheckResult, width: int = 100) -> str:
    head = f"  [{MARKS.get(check.status, '????')}] {check.name} ({_points(check.points)}/{_points(check.max_points)})"
    if check.hidden:
        head += " hidden"
    lines = [head]
    if check.passed:
        return f"{head}: {check.message}" if check.details and check.message else head
    wrap = lambda text, prefix: textwrap.fill(text, width, initial_indent=prefix,  # noqa: E731
                                              subsequent_indent=" " * len(prefix))
    if check.message:
        lines.append(wrap(check.message, "         "))
    if check.hint and check.status != "not_attempted":
        lines.append(wrap(check.hint, "   hint: "))
    return "\n".join(lines)


def format_result(result: ExerciseResult, width: int = 100) -> str:
    status = " (not attempted)" if result.not_attempted else ""
    lines = [f"{result.exercise}: {_points(result.score)}/{_points(result.max_score)} points{status}"]
    said: dict[tuple[str, str], str] = {}  # checks of one training share its failure: said once
    for c in result.checks:
        first = "" if c.passed or not c.message else said.setdefault((c.message, c.hint), c.name)
        if first and first != c.name:
            head = format_check(c, width).splitlines()[0]
            lines.append(f"{head}: as for {first} above")
        else:
            lines.append(format_check(c, width))
    lines += [f"  note: {n}" for n in result.notes]
    return "\n".join(lines)


def _status(r: ExerciseResult) -> str:
    if r.not_attempted:
        return "not attempted"
    if r.all_passed:
        return "all passed"
    return f"{plural(sum(not c.passed for c in r.checks), 'check')} failed"


def format_summary_table(rows: list[tuple[str, ExerciseResult]], title: str = "submission") -> str:
    """A table of points: one row per (label, result). Without ``title`` the rows are the
    exercises themselves (a student's own run): no label column repeating their names."""
    ew = max([8] + [len(r.exercise) for _, r in rows]) + 2
    if not title:
        lines = [f"{'exercise':<{ew}}{'points':>10}  status", "-" * (ew + 24)]
        lines += [f"{r.exercise:<{ew}}{_points(r.score) + '/' + _points(r.max_score):>10}  {_status(r)}"
                  for _, r in rows]
        return "\n".join(lines)
    w = max([len(title)] + [len(label) for label, _ in rows]) + 2
    lines = [f"{title:<{w}}{'exercise':<{ew}}{'points':>12}  status", "-" * (w + ew + 24)]
    for label, r in rows:
        lines.append(f"{label:<{w}}{r.exercise:<{ew}}{_points(r.score) + '/' + _points(r.max_score):>12}  {_status(r)}")
    return "\n".join(lines)
