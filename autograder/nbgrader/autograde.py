"""``nbgrader autograde`` without a kernel: the notebook is graded in deepgrade's sandbox.

:class:`GradeInSandbox` takes the place of nbgrader's ``Execute`` step in the
autograde chain (``nbgrader_config.py``). For each notebook it:

1. reads the code cells with the same reader as ``deepgrade check``
   (IPython syntax included) and grades them through
   :func:`autograder.isolate.submission.grade_one`: a worker in the sandbox, on a
   scratch copy of the student's folder, with every hidden check;
2. writes each test cell's outputs from that result alone: a passed check
   prints its verdict (full points), a partial one prints it and returns its
   points, any other prints its verdict and hint on stderr (0 points, by
   nbgrader's ``determine_grade``), as the test cell does in the student's kernel;
3. writes each other code cell's text output (what it printed, returned or
   raised in the sandbox) for the feedback.

Invariants: no student code runs in nbgrader's process or in a kernel of the
grading account, so nothing a notebook imports, patches or replaces
(autograder, numpy, IPython, builtins, ``sys.modules``, the display hook) can
change a score, read the course or write to the gradebook. A notebook that
crashes, hangs or floods gets the verdicts ``deepgrade check --hidden`` gives
it, and the class goes on. A test cell that is not one of the exercise's
checks scores 0 with a message saying why, never full points by default. A
grader failure (retried first) is no verdict: the notebook is reported as
failed by nbgrader (the others are graded, and autograde exits non-zero).

:class:`FeedbackWithoutHiddenTests` runs first in ``nbgrader generate_feedback``:
the hidden test cells' source is removed, their verdict stays.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat
from nbformat.v4 import new_output
from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor
from traitlets import Float, Unicode

from ..release.cells import GRADE_ID_PREFIX
from ..score import CheckResult, ExerciseResult
from . import RESULT_SUFFIX
from .nbgrader_private import remove_hidden_tests
from .submitted import notebook_notes

NOT_RUN = "(not run while grading)\n"
#: Where an autograded test cell keeps its check's verdict (``metadata.deepgrade.result``).
RESULT_KEY = "result"


def _is_test_cell(cell: Any) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def check_outputs(result: CheckResult, notes: list[str]) -> list[Any]:
    """A test cell's outputs for one verdict: what nbgrader scores and the student reads."""
    from ..report.text import format_check

    outputs = []
    text = format_check(result).strip("\n")
    head = "".join(f"note: {n}\n" for n in notes)
    if result.status == "passed":
        return [new_output("stream", name="stdout", text=f"{head}{text}\n")]
    if head:
        outputs.append(new_output("stream", name="stdout", text=head))
    if result.status == "partial":
        outputs.append(new_output("stream", name="stdout", text=text + "\n"))
        outputs.append(new_output("execute_result", data={"text/plain": f"{result.points:g}"},
                                  execution_count=None))
        return outputs
    outputs.append(new_output("stream", name="stderr", text=text + "\n"))
    return outputs


def _failure(message: str) -> list[Any]:
    return [new_output("stream", name="stderr", text=f"not graded: {message}\n")]


def _without_library_logs(text: str) -> str:
    """stderr less TensorFlow's, absl's, oneDNN's and CUDA's own log lines (never the student's)."""
    from ..quiet import TF_LOG_LINE

    return "".join(line for line in text.splitlines(keepends=True) if not TF_LOG_LINE.match(line))


def cell_outputs(output: dict[str, Any]) -> list[Any]:
    """What a student's cell printed, returned and raised in the sandbox, as nbformat outputs."""
    outputs = []
    for name in ("stdout", "stderr"):
        text = str(output.get(name) or "")
        text = _without_library_logs(text) if name == "stderr" else text
        if text:
            outputs.append(new_output("stream", name=name, text=text))
    if output.get("result"):
        outputs.append(new_output("execute_result", data={"text/plain": str(output["result"])},
                                  execution_count=None))
    error = output.get("error")
    if error:
        name = (error.get("types") or ["Exception"])[0]
        lines = [f"{name}: {error.get('message', '')}"] + ([error["where"]] if error.get("where") else [])
        outputs.append(new_output("error", ename=name, evalue=str(error.get("message", "")), traceback=lines))
    return outputs


class GradeInSandbox(NbGraderPreprocessor):
    """Grade the notebook outside any kernel, in the sandbox, and write every test cell's verdict."""

    backend = Unicode("auto", help="The sandbox: auto (the best that works here), bwrap, unshare or "
                                   "rlimits. A weaker one than bwrap is said once in the log.").tag(config=True)
    load_timeout = Float(60.0, help="Seconds a notebook's cells may take to run before its checks are "
                                    "asked (a notebook of a Keras exercise gets at least 180); past "
                                    "them every check of the notebook times out").tag(config=True)

    def preprocess(self, nb, resources):
        from ..course import Course, CourseError
        from ..isolate.backends import SandboxLimits
        from ..isolate.submission import grade_one, submission_files
        from ..load import Program
        from ..load.notebook import read_notebook_cells
        from ..run.failure import GraderFailures

        info = resources.get("nbgrader", {})
        name, notebook = info.get("assignment"), info.get("notebook")
        folder = Path((resources.get("metadata") or {}).get("path") or ".")
        try:
            exercise = Course(self._course_root()).exercise(str(name))
        except CourseError:
            exercise = None
        if exercise is None or notebook != name:
            self.log.warning("%s/%s is not a deepgrade exercise: its test cells score 0", name, notebook)
            return self._write(nb, None, "this notebook is not a deepgrade exercise"), resources
        path = folder / f"{notebook}.ipynb"
        said = notebook_notes(nb)  # what reading and restoring the notebook changed
        try:
            program = Program(str(path), tuple(read_notebook_cells(nbformat.writes(nb), path.name)))
            isolated = grade_one(program, exercise, submission_files(path, True, exercise.course.rejected_files),
                                 hidden=exercise.has_solution, backend=self.backend, log=self.log.warning,
                                 limits=SandboxLimits(load_timeout=self.load_timeout))
        except GraderFailures as exc:  # nbgrader reports this student's notebook as failed, and goes on
            self.log.error("deepgrade: the grader failed on %s, which is not graded: %s", path, exc)
            raise
        except Exception as exc:
            self.log.error("deepgrade could not grade %s: %s: %s", path, type(exc).__name__, exc)
            return self._write(nb, None, f"the grader failed on this notebook ({type(exc).__name__}); "
                                         "tell your instructor"), resources
        isolated.result.notes[:0] = said
        # The whole result beside the autograded notebook: `deepgrade integrity --nbgrader` reads the
        # trained models' held-out answers there (nbgrader's writer puts resources' outputs beside it).
        result_json = json.dumps({**isolated.result.to_json(), "student": info.get("student")}, indent=1)
        resources.setdefault("outputs", {})[f"{notebook}{RESULT_SUFFIX}"] = result_json.encode()
        return self._write(nb, isolated.result, "", isolated.cell_outputs), resources

    def _course_root(self) -> Path:
        from nbgrader.coursedir import CourseDirectory

        return Path(CourseDirectory(config=self.config).root)

    @staticmethod
    def _write(nb, result: ExerciseResult | None, failure: str,
               ran: list[dict[str, Any]] | None = None):
        by_label = {o.get("cell"): o for o in ran or []}
        by_check = {c.name: c for c in result.checks} if result else {}
        notes = list(result.notes) if result else []
        for number, cell in enumerate(nb.cells, start=1):
            if cell.cell_type != "code":
                continue
            if _is_test_cell(cell):
                check = cell.metadata["nbgrader"].get("grade_id", "").removeprefix(GRADE_ID_PREFIX)
                if result is None:
                    cell.outputs = _failure(failure)
                elif check in by_check:
                    cell.outputs = check_outputs(by_check[check], notes)
                    # the verdict as data (named mistake included), for `deepgrade report --nbgrader`
                    cell.metadata.setdefault("deepgrade", {})[RESULT_KEY] = by_check[check].to_json()
                    notes = []  # said once, in the first test cell
                else:
                    cell.outputs = _failure(f"{check!r} is not a check of {result.exercise}: deepgrade grades "
                                            "the test cells generated from checks.py (run `deepgrade release`)")
            elif f"cell {number}" in by_label:
                cell.outputs = cell_outputs(by_label[f"cell {number}"])
            elif not cell.outputs:
                cell.outputs = [new_output("stream", name="stdout", text=NOT_RUN)]
        return nb


class FeedbackWithoutHiddenTests(ClearHiddenTests):
    """Remove the hidden tests' source from the test cells of the feedback; their verdicts stay.

    Only test cells are touched: a student's own cell that happens to contain the
    delimiters is the student's business, and never stops the feedback."""

    def preprocess_cell(self, cell, resources, cell_index):
        if _is_test_cell(cell):
            try:
                remove_hidden_tests(self, cell)
            except RuntimeError:
                cell.source = ""
        return cell, resources
