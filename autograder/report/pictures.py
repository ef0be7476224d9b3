"""Pictures drawn from a check's plain ``details``, each saying what it shows.

A picture's caption, title and axis labels come from the data it draws (which
split, the classes as the task names them, whose line), never from the check it
sits under: the same matrix reads the same under any check. Every picture has a
description (:attr:`Picture.alt`) that pages put in the image's alt text, so a
reader without the image, and a test, read what it shows.

* ``boundary``: the student's decision boundary against the reference (ex03);
* ``history``: training curves (``loss``, ``val_loss``, ``accuracy``, ``val_accuracy``);
* ``confusion_matrix``: a classifier's confusion matrix, with ``split``, ``class_names``,
  ``noun`` and ``matrix_accuracy`` (or, for one-vs-all, ``matrix_of: "vote"``).

Matplotlib (Agg) is imported only when a picture is drawn; without it there are no pictures.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

#: How a split reads in a caption.
from ..details import Boundary, Confusion, Details, History

SPLIT_WORDS = {"test": "held-out test", "validation": "validation", "train": "training"}


@dataclass(frozen=True)
class Picture:
    """One rendered picture: ``kind`` (boundary, history, confusion_matrix, histogram...),
    a short ``caption``, a full description ``alt`` and the PNG, base64-encoded."""

    kind: str
    caption: str
    alt: str
    png: str


def _pyplot():
    try:
        import matplotlib

        matplotlib.use("Agg", force=True)
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    return plt


def _tick(value: float) -> str:
    return f"{value:g}"


def axes_said(fig: Any) -> str:
    """What the drawn axes say (title, axis labels, tick labels), read back from the figure: the
    description then tells what the picture shows, not what it was meant to show."""
    said = []
    for ax in fig.axes:
        lo, hi = ax.get_xlim()
        xs = [t.get_text() or _tick(v) for t, v in zip(ax.get_xticklabels(), ax.get_xticks(), strict=False)
              if lo - 1e-9 <= v <= hi + 1e-9]
        lo, hi = ax.get_ylim()
        ys = [t.get_text() for t, v in zip(ax.get_yticklabels(), ax.get_yticks(), strict=False)
              if min(lo, hi) - 1e-9 <= v <= max(lo, hi) + 1e-9 and t.get_text()]
        part = f"title '{ax.get_title()}'; " if ax.get_title() else ""
        part += f"x axis '{ax.get_xlabel()}' ticks [{', '.join(xs)}]; y axis '{ax.get_ylabel()}'"
        said.append(part + (f" ticks [{', '.join(ys)}]" if ys and len(ys) <= 12 else ""))
    return " | ".join(said)


def png_of(fig: Any) -> tuple[str, str]:
    """The figure as base64 PNG, and what its axes say (:func:`axes_said`)."""
    fig.canvas.draw()
    said = axes_said(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii"), said


def _picture(kind: str, caption: str, alt: str, fig: Any) -> Picture:
    png, said = png_of(fig)
    return Picture(kind, caption, f"{alt} Axes: {said}." if said else alt, png)


def finite(values: Any) -> list[float] | None:
    try:
        out = [float(v) for v in values]
    except (TypeError, ValueError):
        return None
    return out if out and all(math.isfinite(v) for v in out) else None


# -- the decision boundary (ex03) -----------------------------------------------------------

def _line(pair: list[float]) -> str:
    return f"x2 = {pair[0]:.3g} {'-' if pair[1] < 0 else '+'} {abs(pair[1]):.3g} x1"


def boundary_picture(boundary: Boundary) -> Picture | None:
    """The reference's line, and the student's only where the student's function gave one."""
    plt = _pyplot()
    ref = finite(boundary.reference or [])
    if plt is None or ref is None or len(ref) != 2:
        return None
    student = finite(boundary.student or [])
    student = student if student is not None and len(student) == 2 else None
    coef = finite(boundary.coefficients) or []
    fig, ax = plt.subplots(figsize=(4.2, 3.6))
    xs = [-6.0, 6.0]
    lo, hi = min(ref[0] + ref[1] * x for x in xs), max(ref[0] + ref[1] * x for x in xs)
    pad = max(3.0, (hi - lo) * 0.25)
    shaded = len(coef) == 3 and coef[2] != 0
    if shaded:
        import numpy as np

        g1, g2 = np.meshgrid(np.linspace(-6, 6, 120), np.linspace(lo - pad, hi + pad, 120))
        cls = (coef[0] + coef[1] * g1 + coef[2] * g2 >= 0).astype(float)
        ax.contourf(g1, g2, cls, levels=[-0.5, 0.5, 1.5], colors=["#ddeeff", "#ffe9d6"], alpha=0.9)
    ax.plot(xs, [ref[0] + ref[1] * x for x in xs], color="#1a7f37", lw=2.5, label="reference")
    if student is not None:
        ax.plot(xs, [student[0] + student[1] * x for x in xs], color="#cf222e", lw=2, ls="--", label="yours")
    ax.set_xlim(*xs)
    ax.set_ylim(lo - pad, hi + pad)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    said_coef = "b0, b1, b2 = " + ", ".join(f"{c:g}" for c in coef) if coef else ""
    ax.set_title(said_coef or "decision boundary", fontsize=9)
    ax.legend(fontsize=8, loc="best")
    shading = "; shading: the reference's classes" if shaded else ""
    if student is not None:
        caption = f"Your decision boundary (dashed) against the reference (solid){shading}"
        line = f"yours {_line(student)}"
    else:
        caption = f"The reference's decision boundary (solid); your function gave no line to draw{shading}"
        line = "no line of yours"
    alt = (f"{caption}. Reference {_line(ref)}; {line}"
           + (f"; for {said_coef}" if said_coef else "") + ".")
    return _picture("boundary", caption, alt, fig)


# -- training curves --------------------------------------------------------------------------

def history_picture(history: History, whose: str = "") -> Picture | None:
    """Loss and other metrics per epoch; epochs are whole numbers, one epoch is a point with its value."""
    plt = _pyplot()
    found = {k: finite(v) for k, v in history.items()}
    curves: dict[str, list[float]] = {k: v for k, v in found.items() if v}
    if plt is None or not curves:
        return None
    from matplotlib.ticker import MaxNLocator

    epochs = max(len(v) for v in curves.values())
    losses = {k: v for k, v in curves.items() if "loss" in k}
    others = {k: v for k, v in curves.items() if "loss" not in k}
    panels = [p for p in (losses, others) if p]
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 3.2), squeeze=False)
    for ax, panel in zip(axes[0], panels, strict=False):
        for name, values in sorted(panel.items()):
            ax.plot(range(1, len(values) + 1), values, marker="o", ms=3 if len(values) > 1 else 6, label=name,
                    ls="--" if name.startswith("val_") else "-")
            if len(values) == 1:
                ax.annotate(f"{values[0]:.3g}", (1, values[0]), textcoords="offset points", xytext=(8, 0),
                            va="center", fontsize=8)
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss" if panel is losses else "accuracy" if all("acc" in k for k in panel) else "value")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if epochs == 1:
            ax.set_xlim(0.5, 1.5)
            ax.set_xticks([1])
        ax.legend(fontsize=8)
    of = f" of {whose}" if whose else ""
    if epochs == 1:
        said = ", ".join(f"{k} {v[0]:.3g}" for k, v in sorted(curves.items()))
        caption = f"Training{of}: one epoch ({said})"
    else:
        caption = f"Training curves{of}: {epochs} epochs (training solid, validation dashed)"
    last = ", ".join(f"{k} {v[-1]:.3g}" for k, v in sorted(curves.items()))
    alt = f"{caption}. Epoch axis 1 to {epochs}; last epoch: {last}."
    return _picture("history", caption, alt, fig)


# -- confusion matrices -----------------------------------------------------------------------

def confusion_picture(confusion: Confusion) -> Picture | None:
    """The matrix, labelled with the classes as the task names them, titled with the split it was
    measured on and its own accuracy (for one-vs-all: the vote's, not a member's)."""
    plt = _pyplot()
    rows = confusion.matrix
    if plt is None or not rows or any(len(r) != len(rows) for r in rows) or len(rows) > 50:
        return None
    n = len(rows)
    names = list(confusion.class_names or [])
    names = names if len(names) == n else [str(k) for k in range(n)]
    noun = confusion.noun or "example"
    split = SPLIT_WORDS.get(confusion.split or "", "")
    vote = confusion.of == "vote"
    total = sum(map(sum, rows))
    acc = sum(rows[k][k] for k in range(n)) / total if total else None  # what the matrix itself shows
    fig, ax = plt.subplots(figsize=(0.42 * n + 1.6, 0.42 * n + 1.2))
    ax.imshow(rows, cmap="Blues")
    top = max(max(r) for r in rows) or 1
    if n <= 12:
        for i, r in enumerate(rows):
            for j, v in enumerate(r):
                ax.text(j, i, str(v), ha="center", va="center", fontsize=7,
                        color="white" if v > top / 2 else "black")
    ax.set_xticks(range(n), names)
    ax.set_yticks(range(n), names)
    ax.set_xlabel(f"predicted {noun}")
    ax.set_ylabel(f"true {noun}")
    said_acc = f"accuracy {acc:.3f}" if acc is not None else ""
    whose = f"the {n}-class vote" if vote else "the model"
    ax.set_title(", ".join(x for x in (split, "vote" if vote else "", said_acc) if x), fontsize=9)
    on = f" on the {split} {noun}s" if split else ""
    caption = f"Confusion matrix of {whose}{on}" + (f" ({said_acc})" if said_acc else "")
    alt = (f"{caption}. Rows: true {noun} ({names[0]}-{names[-1]}); columns: predicted {noun}; "
           f"{total} {noun}s.")
    return _picture("confusion_matrix", caption, alt, fig)


# -- class report ---------------------------------------------------------------------------

def histogram_picture(values: Sequence[float], *, bins: Sequence[float], xlabel: str, caption: str,
                      marks: Sequence[tuple[float, str]] = ()) -> Picture | None:
    """How many students fall in each bin (scores, accuracies), with ``marks`` as vertical lines."""
    plt = _pyplot()
    data = finite(values)
    if plt is None or data is None or len(bins) < 2:
        return None
    from matplotlib.ticker import MaxNLocator

    fig, ax = plt.subplots(figsize=(4.6, 2.8))
    counts, _, _ = ax.hist(data, bins=list(bins), color="#54aeff", edgecolor="white")
    for x, label in marks:
        ax.axvline(x, color="#cf222e", ls="--", lw=1.2)
        ax.annotate(label, (x, max(counts) if len(counts) else 1), textcoords="offset points", xytext=(3, -10),
                    fontsize=7, color="#cf222e")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("students")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    said = "; ".join(f"{label} at {x:g}" for x, label in marks)
    alt = (f"{caption}: {len(data)} students, from {min(data):g} to {max(data):g}"
           + (f"; {said}" if said else "") + ".")
    return _picture("histogram", caption, alt, fig)


def figures(details: Details, *, curves: bool = True) -> list[Picture]:
    """Every picture a check's details allow (training curves only with ``curves``: a page draws
    them once per exercise)."""
    out: list[Picture | None] = []
    try:
        if details.boundary is not None:
            out.append(boundary_picture(details.boundary))
        if curves and details.history is not None:
            out.append(history_picture(details.history))
        if details.confusion is not None:
            out.append(confusion_picture(details.confusion))
    except Exception:  # a picture never costs the student their feedback
        pass
    return [p for p in out if p is not None]
