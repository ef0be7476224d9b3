"""The integrity report as an inert HTML page and its JSON twin.

Each flagged pair shows its evidence side by side: the shared code aligned
(the lines of each submission that the shared fingerprints cover), the shared
mistakes of their models (a few held-out inputs both got wrong alike, with the
true label and both answers), and the baseline it was judged against. The page
says what it is not: a verdict.
"""

from __future__ import annotations

import base64
import struct
import zlib
from typing import Any

import numpy as np

from ..report.html import esc, page_head
from .code import StudentCode, aligned_blocks
from .report import ExerciseReport, Pair

NOT_A_VERDICT = ("Pairs are listed because their code or their trained models are more alike than independent work "
                 "was measured to be (docs/integrity.md). That is a reason to look, not a finding: the report "
                 "changes no points.")
_STYLE = """
.pair{border:1px solid #d0d7de;border-radius:6px;padding:.6rem 1rem;margin:1rem 0}
.side{display:grid;grid-template-columns:1fr 1fr;gap:.5rem} .side pre{margin:.2rem 0}
.flag{font-weight:600;color:#9a6700} .base{color:#57606a;font-size:.9rem} img.digit{image-rendering:pixelated}
"""


def _png_gray(pixels: np.ndarray, scale: int = 2) -> str:
    """A grayscale PNG (base64) of a 2-D array in [0, 1], drawn without matplotlib."""
    ink = np.clip(np.asarray(pixels, dtype=np.float64), 0, 1)
    img = (255 - ink * 255).astype(np.uint8).repeat(scale, 0).repeat(scale, 1)
    h, w = img.shape
    raw = b"".join(b"\0" + img[r].tobytes() for r in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
    return base64.b64encode(png).decode("ascii")


def _picture(inputs: np.ndarray | None, index: int) -> str:
    if inputs is None or index >= len(inputs):
        return ""
    x = np.asarray(inputs[index])
    if x.size == 784 and x.dtype.kind == "f":
        png = _png_gray(x.reshape(28, 28))
        return f'<img class="digit" alt="held-out input {index}" src="data:image/png;base64,{png}">'
    return ""


def _lines(code: StudentCode, wheres: list) -> str:
    seen: list[tuple[str, int]] = list(dict.fromkeys((w.cell, w.line) for w in wheres))
    out, cell = [], ""
    for label, line in seen:
        if label != cell:
            out.append(f"# {label}")
            cell = label
        lines = code.lines.get(label, [])
        out.append(lines[line - 1] if 0 < line <= len(lines) else "")
    return "\n".join(out)


def _code_html(report: ExerciseReport, pair: Pair) -> str:
    match = pair.code
    if match is None:
        return ""
    a, b = report.codes.get(pair.a), report.codes.get(pair.b)
    head = (f"<p>Code: {match.shared} shared fingerprints, {match.share:.0%} of the smaller submission's own code "
            f"(evidence {match.evidence:.1f}; flagged from {report.code_baseline.min_evidence:g}).</p>")
    if a is None or b is None:
        return head
    rows = "".join(f'<div class="side"><pre>{esc(_lines(a, wa))}</pre><pre>{esc(_lines(b, wb))}</pre></div>'
                   for wa, wb in aligned_blocks(match, a, b))
    return (head + f'<details open><summary>Shared code, aligned ({esc(pair.a)} left, {esc(pair.b)} right)</summary>'
            f"{rows}</details>")


def _model_html(report: ExerciseReport, pair: Pair) -> str:
    model = pair.model
    if model is None:
        return ""
    s = model.shared
    parts = []
    if model.same_weights:
        parts.append('<p class="flag">Identical trained weights (the same training, or weights copied).</p>')
    if model.same_history:
        parts.append('<p class="flag">Identical training history, epoch by epoch.</p>')
    base = report.training_baseline
    judged = f"; flagged from {base.threshold:.2f}" if base else ""
    parts.append(f"<p>Models: {s.same} of the {s.union} held-out inputs that either gets wrong, both get wrong with "
                 f"the same answer: {s.share:.2f}{judged} ({esc(pair.a)}: {s.errors_a} wrong, "
                 f"{esc(pair.b)}: {s.errors_b} wrong).</p>")
    if model.examples and report.labels is not None:
        cells = "".join(
            f"<tr><td>{i}</td><td>{_picture(report.inputs, i)}</td><td>{int(report.labels[i])}</td>"
            f"<td>{int(report.predicted[pair.a][i])}</td><td>{int(report.predicted[pair.b][i])}</td></tr>"
            for i in model.examples if pair.a in report.predicted and pair.b in report.predicted)
        parts.append(f"<table><tr><th>held-out input</th><th></th><th>true</th><th>{esc(pair.a)}</th>"
                     f"<th>{esc(pair.b)}</th></tr>{cells}</table>")
    return "".join(parts)


def _pair_html(report: ExerciseReport, pair: Pair, rank: int) -> str:
    why = ", ".join(reasons(pair))
    return (f'<div class="pair"><h3>{rank}. {esc(pair.a)} and {esc(pair.b)}</h3><p class="flag">{esc(why)}</p>'
            f"{_code_html(report, pair)}{_model_html(report, pair)}</div>")


def reasons(pair: Pair) -> list[str]:
    out = []
    if pair.code_flagged:
        out.append("code shared beyond the release")
    if pair.model is not None and pair.model.same_weights:
        out.append("identical weights")
    if pair.model is not None and pair.model.same_history:
        out.append("identical training history")
    if pair.errors_flagged:
        out.append("the same mistakes on held-out inputs")
    return out


def _exercise_html(report: ExerciseReport) -> str:
    base = [esc(report.code_baseline.describe())]
    if report.training_baseline is not None:
        base.append(esc(report.training_baseline.describe()))
    clusters = "".join(f"<li>{esc(', '.join(c))}</li>" for c in report.clusters if len(c) > 2)
    parts = [f"<h2>{esc(report.exercise)}: {len(report.pairs)} pair(s) of {report.submissions} submissions</h2>",
             f'<p class="base">Baseline: {"<br>".join(base)}</p>']
    if report.unreadable:
        parts.append(f'<p class="flag">Not compared: the graded file of {esc(", ".join(report.unreadable))} is no '
                     "longer where it was graded.</p>")
    if clusters:
        parts.append(f"<p>Groups of three or more, linked by flagged pairs:</p><ul>{clusters}</ul>")
    parts += [_pair_html(report, p, i) for i, p in enumerate(report.pairs, start=1)]
    return "\n".join(parts)


def integrity_page(reports: list[ExerciseReport]) -> str:
    flagged = sum(len(r.pairs) for r in reports)
    return "\n".join([page_head("Integrity report", _STYLE), "<h1>Integrity report</h1>",
                      f"<p>{flagged} pair(s) listed in {len(reports)} exercise(s). {esc(NOT_A_VERDICT)}</p>",
                      *(_exercise_html(r) for r in reports), "</body></html>"])


def _pair_json(report: ExerciseReport, pair: Pair) -> dict[str, Any]:
    data: dict[str, Any] = {"a": pair.a, "b": pair.b, "reasons": reasons(pair),
                            "flags": {"code": pair.code_flagged, "shared_errors": pair.errors_flagged,
                                      "same_weights": bool(pair.model and pair.model.same_weights),
                                      "same_history": bool(pair.model and pair.model.same_history)}}
    if pair.code is not None:
        data["code"] = {"shared": pair.code.shared, "share": round(pair.code.share, 4),
                        "evidence": round(pair.code.evidence, 3), "own_a": pair.code.own_a, "own_b": pair.code.own_b}
    if pair.model is not None:
        s = pair.model.shared
        data["model"] = {"same_errors": s.same, "either_wrong": s.union, "share": round(s.share, 4),
                         "errors_a": s.errors_a, "errors_b": s.errors_b,
                         "examples": [_example(report, pair, i) for i in pair.model.examples
                                      if pair.a in report.predicted and pair.b in report.predicted]}
    return data


def _example(report: ExerciseReport, pair: Pair, i: int) -> dict[str, Any]:
    label = int(report.labels[i]) if report.labels is not None else None
    return {"input": i, "label": label, "a": int(report.predicted[pair.a][i]), "b": int(report.predicted[pair.b][i])}


def integrity_json(reports: list[ExerciseReport]) -> dict[str, Any]:
    out = []
    for r in reports:
        base: dict[str, Any] = {"code": {"min_evidence": r.code_baseline.min_evidence,
                                         "measured": r.code_baseline.measured,
                                         "describe": r.code_baseline.describe()}}
        if r.training_baseline is not None:
            base["model"] = {"threshold": r.training_baseline.threshold, "mean": r.training_baseline.mean,
                             "highest": r.training_baseline.highest, "describe": r.training_baseline.describe()}
        out.append({"exercise": r.exercise, "submissions": r.submissions, "baseline": base,
                    "pairs": [_pair_json(r, p) for p in r.pairs], "clusters": r.clusters,
                    "not_compared": r.unreadable})
    return {"note": NOT_A_VERDICT, "exercises": out}
