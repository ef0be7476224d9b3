"""A cell as Jupyter runs it: IPython syntax turned into Python, and what will not run.

Every path that reads a student's code (``deepgrade check`` and ``grade``, the
pytest plugin, the notebook's check cell, nbgrader test cells and autograde)
reads cells through :func:`transform_cell`, so they all agree.

IPython's own input transformer (the one a Jupyter kernel uses) turns magics,
shell escapes and ``?`` help into calls on ``get_ipython()``; in the student's
process those reach :class:`autograder.run.magics.GradingShell`. What that
shell will not run (shell escapes, ``%pip``, ``%%bash``, unknown magics) is
found here, statically, from the transformed code, and reported once per line.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import lru_cache

from .magic_effects import NOT_RUN, effect


@dataclass(frozen=True)
class TransformedCell:
    """A cell's Python source, and the IPython lines in it that grading does not run."""

    source: str
    not_run: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def _transformer():
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager()


def _const(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _shell_call(node: ast.AST) -> tuple[str, list[ast.expr]] | None:
    """(method, args) of ``get_ipython().<method>(...)``, else None."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return None
    owner = node.func.value
    if (isinstance(owner, ast.Call) and isinstance(owner.func, ast.Name)
            and owner.func.id == "get_ipython" and not owner.args):
        return node.func.attr, list(node.args)
    return None


def _shorten(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def not_run_lines(python: str) -> tuple[str, ...]:
    """The IPython lines of transformed code that grading will not run, as the student wrote them."""
    try:
        tree = ast.parse(python)
    except SyntaxError:
        return ()
    found: list[tuple[int, int, str]] = []
    for node in ast.walk(tree):
        call = _shell_call(node)
        if call is None:
            continue
        method, args = call
        texts = [_const(a) for a in args]
        text = ""
        if method in ("system", "getoutput") and texts and texts[0] is not None:
            text = _shorten(f"!{texts[0]}")
        elif (method in ("run_line_magic", "run_cell_magic") and len(texts) >= 2 and texts[0] is not None
              and effect(texts[0]) == NOT_RUN):
            cell = method == "run_cell_magic"
            text = _shorten(f"{'%%' if cell else '%'}{texts[0]} {texts[1] or ''}".rstrip())
        if text:
            found.append((getattr(node, "lineno", 0), getattr(node, "col_offset", 0), text))
    return tuple(dict.fromkeys(text for _, _, text in sorted(found)))


def transform_cell(source: str) -> TransformedCell:
    """The Python that Jupyter would run for ``source``, and what grading leaves out of it."""
    if not any(mark in source for mark in ("%", "!", "?")):
        return TransformedCell(source)  # plain Python: the common case costs nothing
    try:
        python = _transformer().transform_cell(source)
    except Exception:
        return TransformedCell(source)
    if python.rstrip("\n") == source.rstrip("\n"):
        return TransformedCell(source)
    return TransformedCell(python, not_run_lines(python))
