"""IPython syntax in a student's process: what each magic does while grading.

A notebook's cells reach the worker already transformed by IPython's own
input transformer (:mod:`autograder.load.ipython`): ``%time f()`` became
``get_ipython().run_line_magic('time', 'f()')``, ``!ls`` became
``get_ipython().system('ls')``. This module is the ``get_ipython()`` those
calls reach. It imports nothing beyond the standard library, so the NumPy
exercises stay fast.

Invariants:

* A magic that only measures or captures (``time``, ``timeit``, ``prun``,
  ``capture``) runs its code **once**, in the notebook's namespace, so what it
  defines exists afterwards, as in Jupyter.
* Nothing reaches a shell: shell escapes and shell magics return empty output
  and are never run. The reader lists them in the report as "not run".
* A magic this table does not know is a no-op with a note, never a crash.

:data:`autograder.load.magic_effects.MAGICS` is the one declaration of what each magic
does; the reader uses it to say what was not run, this shim to do the rest.
"""

from __future__ import annotations

import ast
import importlib
import io
import os
import shlex
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

from ..load.magic_effects import CAPTURE, ENV, RUN, RUNFILE, WRITEFILE, effect

#: Options of the timing and profiling magics that take a value (``-n 10``, ``-s cumulative``).
_VALUED_OPTIONS = {"-n", "-r", "-p", "-s", "-T", "-D", "-l"}


def _strip_options(line: str) -> str:
    """The statement of ``%timeit -n 10 -r 3 f(x)``: the options dropped."""
    rest = line.lstrip()
    while rest.startswith("-"):
        option, _, after = rest.partition(" ")
        rest = after.lstrip()
        if option in _VALUED_OPTIONS:
            _, _, rest = rest.partition(" ")
            rest = rest.lstrip()
    return rest


class CapturedIO:
    """What ``%%capture out`` leaves in ``out``: ``.stdout``, ``.stderr``, ``.show()``."""

    def __init__(self, stdout: str, stderr: str):
        self.stdout, self.stderr = stdout, stderr
        self.outputs: list[Any] = []

    def show(self) -> None:
        sys.stdout.write(self.stdout)
        sys.stderr.write(self.stderr)

    __call__ = show

    def __repr__(self) -> str:
        return "<CapturedIO>"


class GradingShell:
    """The ``get_ipython()`` of a notebook being graded.

    ``namespace`` is the notebook's global namespace; ``filename`` the cell's
    (set by the worker before each cell), so tracebacks name the student's cell.
    """

    def __init__(self, namespace: dict[str, Any]):
        self.user_ns = namespace
        self.filename = "<cell>"

    # -- running code where the magic stands --------------------------------------------
    def _run(self, code: str, *, first_line: int, value: bool = False,
             scratch_names: bool = False) -> Any:
        """Run ``code`` in the notebook's namespace; with ``value``, return its value when
        it is an expression (``x = %time f()``). With ``scratch_names`` the names it binds
        are dropped afterwards, as ``%timeit`` does (it runs the code inside a function)."""
        padding = "\n" * max(first_line - 1, 0)
        namespace = dict(self.user_ns) if scratch_names else self.user_ns
        if value:
            try:
                compiled = compile(padding + code.strip(), self.filename, "eval")
            except SyntaxError:
                pass
            else:
                return eval(compiled, namespace)
        tree = ast.parse(padding + code, self.filename)
        exec(compile(tree, self.filename, "exec"), namespace)
        return None

    @staticmethod
    def _caller_line() -> int:
        frame = sys._getframe(2)  # the cell's code, which called run_line_magic/run_cell_magic
        return frame.f_lineno

    # -- the calls IPython's transformer writes ------------------------------------------
    def run_line_magic(self, name: str, line: str, _stack_depth: int = 1) -> Any:
        kind = effect(name)
        where = self._caller_line()
        if kind == RUN:
            return self._run(_strip_options(line), first_line=where, value=name == "time",
                             scratch_names=name == "timeit")
        if kind == ENV:
            return self._env(line)
        if kind == RUNFILE:
            return self._runfile(line)
        if kind == WRITEFILE:
            return None  # %writefile needs a cell
        return None  # NOTHING and NOT_RUN: the reader has noted what was not run

    def run_cell_magic(self, name: str, line: str, cell: str) -> Any:
        kind = effect(name)
        where = self._caller_line() + 1  # the body starts on the line after %%magic
        if kind == RUN:
            if name != "timeit":
                return self._run(cell, first_line=where)
            setup = _strip_options(line)  # %%timeit SETUP: the setup line, then the body
            return self._run(f"{setup}\n{cell}" if setup else cell, first_line=where - (1 if setup else 0),
                             scratch_names=True)
        if kind == CAPTURE:
            return self._capture(line, cell, where)
        if kind == WRITEFILE:
            return self._writefile(line, cell)
        return None

    def system(self, cmd: str) -> None:
        return None  # shell escapes never run while grading

    def getoutput(self, cmd: str, split: bool = True, depth: int = 0) -> list[str]:
        return []

    def run_cell(self, raw_cell: str, *args: Any, **kwargs: Any) -> None:
        return None

    def __getattr__(self, name: str) -> Any:
        # Anything else a notebook asks of its shell (events, display_pub...) is a no-op.
        if name.startswith("__"):
            raise AttributeError(name)
        return _Anything()

    # -- magics with an effect ------------------------------------------------------------
    def _capture(self, line: str, cell: str, where: int) -> None:
        args = shlex.split(line)
        name = next((a for a in args if not a.startswith("-")), None)
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            self._run(cell, first_line=where)
        if name:
            self.user_ns[name] = CapturedIO(out.getvalue(), err.getvalue())

    def _writefile(self, line: str, cell: str) -> None:
        args = shlex.split(line)
        append = "-a" in args or "--append" in args
        names = [a for a in args if not a.startswith("-")]
        if not names:
            return
        path = Path(os.path.expanduser(names[0]))
        if path.parent != Path("."):
            path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a" if append else "w", encoding="utf-8") as f:
            f.write(cell)
        importlib.invalidate_caches()  # `import` right after must find the new module

    @staticmethod
    def _env(line: str) -> Any:
        line = line.strip()
        if not line:
            return dict(os.environ)
        if "=" in line:
            key, _, value = line.partition("=")
        elif " " in line:
            key, _, value = line.partition(" ")
        else:
            return os.environ.get(line)
        os.environ[key.strip()] = value.strip()
        return None

    def _runfile(self, line: str) -> None:
        args = [a for a in shlex.split(line) if not a.startswith("-")]
        if not args or not args[0].endswith(".py") or not Path(args[0]).is_file():
            return None
        source = Path(args[0]).read_text(encoding="utf-8")
        exec(compile(source, args[0], "exec"), self.user_ns)
        return None


class _Anything:
    """Answers every attribute and call with itself: ``get_ipython().events.register(...)``."""

    def __getattr__(self, name: str) -> _Anything:
        if name.startswith("__"):
            raise AttributeError(name)
        return self

    def __call__(self, *args: Any, **kwargs: Any) -> _Anything:
        return self


def display(*objects: Any, **kwargs: Any) -> None:
    """Jupyter's ``display()`` builtin: the text form of each object."""
    for obj in objects:
        print(repr(obj))


def install(namespace: dict[str, Any]) -> GradingShell:
    """Give a notebook's namespace what a Jupyter kernel gives it: ``get_ipython`` and ``display``."""
    shell = GradingShell(namespace)
    namespace["get_ipython"] = lambda: shell
    namespace.setdefault("display", display)
    return shell
