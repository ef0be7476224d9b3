"""The cells a live IPython kernel has run: what a check cell or an nbgrader test cell grades.

Read here, beside the notebook and file readers, so both in-kernel front ends
(:mod:`autograder.check_cell` and :mod:`autograder.nbgrader.kernel`) take it from
the loading layer below them.
"""

from __future__ import annotations


def kernel_history() -> list[str] | None:
    """The raw source of every cell this kernel ran before the current one (None outside IPython)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    if shell is None:
        return None
    raw = list(getattr(shell.history_manager, "input_hist_raw", None) or shell.user_ns.get("In", []))
    return [src for src in raw[1:-1] if isinstance(src, str)]  # [0] is empty, [-1] is this cell
