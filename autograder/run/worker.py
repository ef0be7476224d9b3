"""The student's side of the boundary: runs a submission and answers requests.

Started by :class:`autograder.run.session.StudentProcess` as
``python -m autograder.run.worker FD_IN FD_OUT``. It imports NumPy and nothing
heavy, executes the submission's cells in order (a failing cell is recorded
and the next one runs, as in a notebook), then answers ``call`` and ``get``
requests with plain data. It never sees expected values: the grader compares.
It says ``started`` just before the first cell runs (an end before that is the
grader's failure, never the student's verdict), and watches for signals sent
from outside (:mod:`autograder.run.signals`).
"""

from __future__ import annotations

import ast
import builtins
import linecache
import os
import re
import sys
import traceback
from collections.abc import Callable
from typing import Any

from ..quiet import quiet_tensorflow
from . import magics
from .codec import normalize
from .keyrings import forbid_keyrings
from .protocol import Closed, FrameReader, write_frame
from .signals import watch_outside_signals

#: What is kept of one cell's printed output for the feedback (characters).
CELL_OUTPUT_KEEP = 8192

#: Extra request handlers (``op`` -> function(submission, request) -> reply), added by
#: exercise kinds that need more than calls, such as model training
#: (:mod:`autograder.run.keras_ops`).
HANDLERS: dict[str, Callable[[Submission, dict], dict]] = {}


#: What is kept of an exception's message (characters), after :func:`condensed_message`.
MESSAGE_KEEP = 500

#: Lines of a TensorFlow graph error that point into TensorFlow's own code, not at the mistake:
#: "Detected at node ... defined at (most recent call last):", its ``File "...", line N`` frames,
#: and the failing node's ``[[{{node ...}}]]`` and ``[Op:...]`` tags.
_GRAPH_TRACE = re.compile(r"^(Detected at node .* defined at \(most recent call last\):|\s*File \".*\", line \d+.*"
                          r"|\s*\[\[\{\{node .*|\s*\[Op:.*\])$")


def condensed_message(message: str) -> str:
    """The part of a message that says what went wrong. TensorFlow's graph errors put the
    reason ("Received a label value of 9 which is outside the valid range of [0, 5)") after
    a trace of its own files some 2,000 characters long; that trace is dropped."""
    if "Graph execution error" not in message:
        return message
    lines = [line.rstrip() for line in message.splitlines() if not _GRAPH_TRACE.match(line)]
    kept = " ".join(line.strip() for line in lines if line.strip())
    return re.sub(r"\s+\[Op:[^\]]*\]", "", re.sub(r"\s*\[\[\{\{node [^}]*\}\}\]\]", "", kept))


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
        message = condensed_message(str(exc))
    except Exception:
        message = "<message could not be shown>"
    described: dict[str, Any] = {"types": [t.__name__ for t in type(exc).__mro__], "message": message[:MESSAGE_KEEP],
                                 "where": where}
    if isinstance(exc, OSError) and isinstance(exc.errno, int):
        described["errno"] = exc.errno
    if isinstance(exc, NameError) and isinstance(getattr(exc, "name", None), str):
        described["name"] = exc.name  # the undefined name, as a field
    return described


class CellOutput:
    """A cell's printed output: passed on to the process's stdout/stderr (the grader drains
    them) and kept, up to :data:`CELL_OUTPUT_KEEP` characters, for the feedback."""

    def __init__(self, stream: Any, kept: list[str]):
        self._stream, self._kept = stream, kept

    def write(self, text: str) -> int:
        if isinstance(text, str) and sum(map(len, self._kept)) < CELL_OUTPUT_KEEP:
            self._kept.append(text)
        return self._stream.write(text)

    def flush(self) -> None:
        self._stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _split_last_expression(tree: ast.Module) -> tuple[ast.Module, ast.Expression | None]:
    """The cell without its last expression, and that expression (shown as ``Out[...]``)."""
    last = tree.body[-1] if tree.body else None
    if isinstance(last, ast.Expr):
        tree.body.pop()
        return tree, ast.Expression(last.value)
    return tree, None


class Submission:
    """The namespace a submission's cells ran in, what they printed and what went wrong.

    The namespace is what a Jupyter kernel gives a notebook: ``get_ipython()``
    (:mod:`autograder.run.magics`) and ``display``.
    """

    def __init__(self, program: dict[str, Any]):
        self.namespace: dict[str, Any] = {"__name__": program.get("module", "__main__"),
                                          "__builtins__": builtins}
        self.shell = magics.install(self.namespace)
        #: Sends a progress report to the grader during a long request (set by :func:`main`).
        self.progress: Callable[[dict[str, Any]], None] = lambda report: None
        self.filenames: set[str] = set()
        self.cell_errors: list[dict[str, Any]] = []
        self.outputs: list[dict[str, Any]] = []
        self.show_results = self.namespace["__name__"] == "__main__"  # a notebook shows Out[...]
        for cell in program.get("cells", []):
            self._run_cell(str(cell["source"]), str(cell["label"]), str(cell.get("original") or cell["source"]))

    def _run_cell(self, source: str, label: str, original: str) -> None:
        filename = f"<{label}>"
        self.filenames.add(filename)
        self.shell.filename = filename
        # Tracebacks show the cell as the student wrote it (line numbers agree: IPython's
        # transformer keeps one line per line, and a cell magic's body starts on line 2).
        linecache.cache[filename] = (len(original), None, original.splitlines(True), filename)
        stdout: list[str] = []
        stderr: list[str] = []
        output: dict[str, Any] = {"cell": label}
        real = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = CellOutput(real[0], stdout), CellOutput(real[1], stderr)
        try:
            tree, last = ast.parse(source, filename), None
            if self.show_results:
                tree, last = _split_last_expression(tree)
            exec(compile(tree, filename, "exec"), self.namespace)
            if last is not None:
                value = eval(compile(last, filename, "eval"), self.namespace)
                if value is not None:
                    output["result"] = _short_repr(value)
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            error = {"cell": label, **describe_exception(exc, self.filenames)}
            self.cell_errors.append(error)
            output["error"] = {k: error[k] for k in ("types", "message", "where")}
        finally:
            sys.stdout, sys.stderr = real
        output.update(stdout="".join(stdout)[:CELL_OUTPUT_KEEP], stderr="".join(stderr)[:CELL_OUTPUT_KEEP])
        self.outputs.append(output)

    def lookup(self, target: str) -> tuple[str, Any]:
        if target not in self.namespace:
            return "missing", None
        return "ok", self.namespace[target]


def _short_repr(value: Any) -> str:
    try:
        text = repr(value)
    except Exception:
        text = f"<{type(value).__name__} object>"
    return text[:CELL_OUTPUT_KEEP] if isinstance(text, str) else ""


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
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            return {"status": "raised", "error": describe_exception(exc, sub.filenames)}
        return {"status": "ok", "value": normalize(value)}
    return {"status": "protocol", "message": f"unknown op {op!r}"}


def _copy_tree(source: str, dest: str) -> None:
    """Copy files only (no permissions or times: the home folder is not ours to chmod)."""
    import shutil

    for dirpath, _, filenames in os.walk(source):
        target = os.path.join(dest, os.path.relpath(dirpath, source))
        os.makedirs(target, exist_ok=True)
        for name in filenames:
            shutil.copyfile(os.path.join(dirpath, name), os.path.join(target, name))


def main(argv: list[str]) -> int:
    fd_in, fd_out = int(argv[1]), int(argv[2])
    watch_outside_signals()  # before any thread starts: every later thread inherits the mask
    quiet_tensorflow()  # before a preloaded module imports Keras
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
    seed = os.environ.pop("DEEPGRADE_SEED", "")
    if seed:  # in the sandbox: the submission's read-only copy goes into the (capped) home
        _copy_tree(seed, os.getcwd())
    sys.path.insert(0, os.getcwd())
    forbid_keyrings()  # the one kernel store a sandbox does not forget (autograder.run.keyrings)
    # Everything before this frame is the grader's (an end before it is the grader's failure);
    # everything after it runs the student's code.
    write_frame(fd_out, {"status": "started"})
    sub = Submission(first)
    sub.progress = lambda report: write_frame(fd_out, {"status": "progress", "progress": report})
    write_frame(fd_out, {"status": "loaded", "cell_errors": sub.cell_errors, "outputs": sub.outputs})
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
