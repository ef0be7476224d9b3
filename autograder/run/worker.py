"""The student's side of the boundary: runs a submission and answers requests.

Started by :class:`autograder.run.session.StudentProcess` as
``python -m autograder.run.worker FD_IN FD_OUT``. It imports NumPy and nothing
heavy, executes the submission's cells in order (a failing cell is recorded
and the next one runs, as in a notebook), then answers ``call`` and ``get``
requests with plain data. It never sees expected values: the grader compares.
"""

from __future__ import annotations

import builtins
import linecache
import os
import sys
import traceback
from typing import Any, Callable

from .codec import normalize
from .protocol import Closed, FrameReader, write_frame

#: Extra request handlers (``op`` -> function(submission, request) -> reply), added by
#: exercise kinds that need more than calls, such as model training
#: (:mod:`autograder.run.keras_ops`).
HANDLERS: dict[str, Callable[["Submission", dict], dict]] = {}


def describe_exception(exc: BaseException, filenames: set[str]) -> dict[str, Any]:
    """Type names (for ``isinstance``-like checks by the grader), message and where."""
    where = ""
    if isinstance(exc, SyntaxError) and exc.filename in filenames:
        where = f"{exc.filename.strip('<>')}, line {exc.lineno}"
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename in filenames:
            where = f"{frame.filename.strip('<>')}, line {frame.lineno}"
            if frame.line:
                where += f": {frame.line.strip()[:120]}"
            break
    try:
        message = str(exc)
    except Exception:
        message = "<message could not be shown>"
    return {"types": [t.__name__ for t in type(exc).__mro__],
            "message": message[:500], "where": where}


class Submission:
    """The namespace a submission's cells ran in, and what went wrong while they ran."""

    def __init__(self, program: dict[str, Any]):
        self.namespace: dict[str, Any] = {"__name__": program.get("module", "__main__"),
                                          "__builtins__": builtins}
        self.filenames: set[str] = set()
        self.cell_errors: list[dict[str, Any]] = []
        for cell in program.get("cells", []):
            self._run_cell(str(cell["source"]), str(cell["label"]))

    def _run_cell(self, source: str, label: str) -> None:
        filename = f"<{label}>"
        self.filenames.add(filename)
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        try:
            exec(compile(source, filename, "exec"), self.namespace)
        except BaseException as exc:  # noqa: BLE001 - SystemExit is a student error too
            if isinstance(exc, KeyboardInterrupt):
                raise
            self.cell_errors.append({"cell": label, **describe_exception(exc, self.filenames)})

    def lookup(self, target: str) -> tuple[str, Any]:
        if target not in self.namespace:
            return "missing", None
        return "ok", self.namespace[target]


def handle(sub: Submission, request: dict[str, Any]) -> dict[str, Any]:
    op = request.get("op")
    if op in HANDLERS:
        return HANDLERS[op](sub, request)
    status, obj = sub.lookup(str(request.get("target")))
    if status != "ok":
        return {"status": status}
    if op == "get":
        return {"status": "ok", "value": normalize(obj)}
    if op == "call":
        if not callable(obj):
            return {"status": "not_callable", "type": type(obj).__name__}
        try:
            value = obj(*request.get("args", []), **request.get("kwargs", {}))
        except BaseException as exc:  # noqa: BLE001
            if isinstance(exc, KeyboardInterrupt):
                raise
            return {"status": "raised", "error": describe_exception(exc, sub.filenames)}
        return {"status": "ok", "value": normalize(value)}
    return {"status": "protocol", "message": f"unknown op {op!r}"}


def main(argv: list[str]) -> int:
    fd_in, fd_out = int(argv[1]), int(argv[2])
    reader = FrameReader(fd_in)
    try:
        first = reader.read()
    except Closed:
        return 0
    # Run as ``python -m``, this module is ``__main__``: preloaded modules must
    # register their handlers here, not in a second copy imported by name.
    sys.modules.setdefault("autograder.run.worker", sys.modules[__name__])
    for module in first.get("preload", []):
        __import__(str(module))  # handlers for extra ops register themselves on import
    sys.path.insert(0, os.getcwd())
    sub = Submission(first)
    write_frame(fd_out, {"status": "loaded", "cell_errors": sub.cell_errors})
    while True:
        try:
            request = reader.read()
        except Closed:
            return 0
        reply = handle(sub, request)
        try:
            write_frame(fd_out, reply)
        except (ValueError, TypeError) as exc:  # e.g. a value JSON cannot hold
            write_frame(fd_out, {"status": "protocol", "message": f"answer not plain data: {exc}"})


if __name__ == "__main__":
    sys.exit(main(sys.argv))
