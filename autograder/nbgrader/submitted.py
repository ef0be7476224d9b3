"""``nbgrader autograde`` on what students hand in: one notebook never stops the class.

nbgrader trusts the submitted folder. A symbolic link beside a notebook is
copied as the file it points to (the course's ``checks.py`` included); a
dangling link or a FIFO stops that student's ``init_assignment``; damaged
nbgrader metadata makes ``CheckCellMetadata`` or ``OverwriteCells`` raise, and a
``schema_version`` they do not know stops the whole run. Three steps, set in
``nbgrader_config.py``, take nbgrader's place where it reads the student's files:

* :class:`StagedAutograde` copies the files beside each notebook from a staged
  folder that holds only the student's own regular files (links, FIFOs and
  files hard-linked elsewhere refused, with a note);
* :class:`SubmittedNotebookExporter` reads each notebook with deepgrade's own
  reader (:mod:`autograder.load.notebook_file`): a notebook that cannot be read
  is graded as the untouched release, with the reason as a note (0 points); a
  submission with no notebook (a module alone, or nothing) is graded in its
  place, never left out of the gradebook;
* :class:`RestoreCourseCells`, the first sanitizing step, puts the course's cells
  back from the source notebook (:mod:`autograder.load.restore`), so nbgrader's
  own steps only ever see the course's metadata.

The notes travel in the notebook's ``metadata.deepgrade.notes`` (whatever a
student put there is replaced) and reach the student in the first test cell.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import nbformat
from nbconvert.exporters import NotebookExporter
from nbgrader.converters import Autograde
from nbgrader.preprocessors import NbGraderPreprocessor

from ..isolate.submission import MAX_DEPTH
from ..load import SubmissionError
from ..load.notebook_file import MAX_SOURCE_BYTES, link_reason, parse_notebook, read_notebook_file, refuse_link
from ..load.restore import restore_course_cells

#: ``resources`` key of the notes made while reading one notebook (before the notebook holds them).
NOTES = "deepgrade_notes"
#: ``resources`` key set when the notebook graded is the release, built here (a module handed in for
#: it, or a notebook that could not be read): its cells are the course's, and restoring them is no news.
BUILT = "deepgrade_built"
#: The file nbgrader reads a submission's time from; it is the student's too, and copied when regular.
TIMESTAMP = "timestamp.txt"


def notebook_notes(nb: Any) -> list[str]:
    """The notes :class:`RestoreCourseCells` left in a notebook."""
    meta = nb.get("metadata", {}).get("deepgrade", {})
    notes = meta.get("notes", []) if isinstance(meta, dict) else []
    return [str(n) for n in notes] if isinstance(notes, list) else []


def module_cells(code: str) -> list[str]:
    """A module's source cut before each top-level statement (a decorated one with its decorators);
    the whole module as one cell when it does not parse. Joined, the cells are the module."""
    import ast

    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return [code]
    # only the line ends ast counts (str.splitlines also cuts at form feeds and \u2028), and only
    # statements that begin a line (not one after a ';')
    lines = io.StringIO(code, newline="").readlines()
    starts = sorted({min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))]) - 1
                     for node in tree.body if node.col_offset == 0})
    if not starts:
        return [code]
    starts[0] = 0
    return ["".join(lines[a:b]) for a, b in zip(starts, [*starts[1:], len(lines)], strict=True)]


def stage_folder(source: Path, dest: Path) -> list[str]:
    """Copy the student's own regular files under ``source`` into ``dest`` (not the notebooks: they
    are read where they are, by :class:`SubmittedNotebookExporter`), and say what was refused."""
    refused: list[str] = []
    for dirpath, dirnames, filenames in os.walk(source):
        here = Path(dirpath)
        if dirnames and len(here.relative_to(source).parts) >= MAX_DEPTH:  # os.walk recurses per level
            refused.append(f"{here.relative_to(source)}/ (folders deeper than {MAX_DEPTH})")
            dirnames[:] = []
        for name in sorted(dirnames):
            if (here / name).is_symlink():
                refused.append(f"{(here / name).relative_to(source)}/ (a link to another folder)")
        for name in sorted(filenames):
            path = here / name
            reason = link_reason(path)
            rel = path.relative_to(source)
            if path.suffix == ".ipynb":
                continue
            if reason:
                refused.append(f"{rel} ({reason.removeprefix(name + ' ')})")
                continue
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest / rel)
    return refused


class StagedAutograde(Autograde):
    """nbgrader's Autograde that copies the files beside a notebook from a staged copy of the
    student's folder holding only their own regular files."""

    _staged: str | None = None
    _stage_notes: dict[str, list[str]] = {}

    def init_assignment(self, assignment_id: str, student_id: str) -> None:
        source = Path(super()._format_source(assignment_id, student_id))
        with tempfile.TemporaryDirectory(prefix="deepgrade-staged-") as staged:
            refused = stage_folder(source, Path(staged))
            self._stage_notes = {**self._stage_notes, student_id: [
                f"not given to the grader, being links or no regular files: {', '.join(refused[:5])}"
                + (" ..." if len(refused) > 5 else "")] if refused else []}
            for name in refused:
                self.log.warning("%s/%s: refused %s", student_id, assignment_id, name)
            self._staged = staged
            try:
                super().init_assignment(assignment_id, student_id)
            finally:
                self._staged = None

    def init_notebooks(self) -> None:
        """nbgrader's list of notebooks per submission (its ``init_notebooks``), with a place for the
        notebook of a submission that holds none: a student who handed in ``<exercise>.py`` alone
        (graded so by ``deepgrade grade``), or nothing nbgrader reads, was left out of the gradebook
        in silence. :class:`SubmittedNotebookExporter` grades the module there, or gives 0 with the reason."""
        import glob

        from nbgrader.converters.base import NbGraderException

        self.assignments = {}
        self.notebooks: list[str] = []
        pattern = self._format_source(self.coursedir.assignment_id, self.coursedir.student_id)
        for folder in glob.glob(pattern):
            found = glob.glob(os.path.join(folder, self.coursedir.notebook_id + ".ipynb"))
            if not found and os.path.isdir(folder) and self.coursedir.notebook_id == "*":
                found = [os.path.join(folder, Path(folder).name + ".ipynb")]  # named after its exercise
                self.log.warning("%s holds no notebook: graded in its notebook's place", folder)
            if found:
                self.assignments[folder] = found
        if not self.assignments:
            self.log.error("No notebooks were matched by '%s'", pattern)
            raise NbGraderException(f"No notebooks were matched by '{pattern}'")

    def _format_source(self, assignment_id: str, student_id: str, escape: bool = False) -> str:
        if self._staged is not None and not escape:
            return self._staged
        return super()._format_source(assignment_id, student_id, escape=escape)

    def init_single_notebook_resources(self, notebook_filename: str) -> dict[str, Any]:
        resources = super().init_single_notebook_resources(notebook_filename)
        resources[NOTES] = list(self._stage_notes.get(resources["nbgrader"]["student"], []))
        return resources


def use_staged_autograde() -> None:
    """Make ``nbgrader autograde`` (the command and formgrader's button) use :class:`StagedAutograde`.
    nbgrader's app names its converter class in its module, with no setting to choose another."""
    from nbgrader.apps import autogradeapp

    autogradeapp.Autograde = StagedAutograde


class SubmittedNotebookExporter(NotebookExporter):
    """Reads a notebook with deepgrade's reader: links refused, any nbformat, invalid UTF-8, bad ids;
    a notebook that cannot be read becomes the release notebook, graded 0 with the reason. In place of
    a notebook the student did not hand in, their ``<exercise>.py`` is graded, as ``deepgrade grade``
    grades it."""

    def from_filename(self, filename: str, resources: dict[str, Any] | None = None,
                      **kw: Any) -> tuple[Any, dict[str, Any]]:
        resources = resources if resources is not None else {}
        path = Path(filename)
        resources.setdefault("metadata", {})
        resources["metadata"].update(name=path.stem, path=str(path.parent), modified_date="")
        notes = resources.setdefault(NOTES, [])
        module = path.with_suffix(".py")
        try:
            if not os.path.lexists(path) and os.path.lexists(module):  # a module handed in for the notebook
                notebook = self._from_module(module, resources)
                notes.append(f"no {path.name} in your folder: {module.name} was graded in its place")
                resources[BUILT] = True
            else:
                read = read_notebook_file(path)
                notes += read.notes
                notebook = read.notebook
        except SubmissionError as exc:
            self.log.warning("%s: %s", filename, exc)
            notes.append(f"your notebook was not graded: {exc}")
            notebook = self._release(resources)
            resources[BUILT] = True
        return self.from_notebook_node(nbformat.from_dict(notebook), resources, **kw)

    def _from_module(self, module: Path, resources: dict[str, Any]) -> dict[str, Any]:
        """The release notebook with the module's code in place of its answers: graded as ``deepgrade
        grade`` grades the module. Each top-level statement is a cell of its own, so that a line calling
        ``check(...)`` (a notebook saved as a script keeps its check cells) is left out alone, as the
        check cells of a notebook are, not with the whole module."""
        refuse_link(module)
        try:
            fd = os.open(module, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
            with os.fdopen(fd, "rb") as handle:
                data = handle.read(MAX_SOURCE_BYTES + 1)  # the grader's memory, not the student's
        except OSError as exc:
            raise SubmissionError(f"cannot read {module.name}: {exc.strerror}") from None
        if len(data) > MAX_SOURCE_BYTES:
            raise SubmissionError(f"{module.name} is more than the {MAX_SOURCE_BYTES >> 20} MB of code a "
                                  "submission may have")
        code = data.decode("utf-8", errors="replace")
        notebook = self._release(resources)
        cells = notebook.setdefault("cells", [])
        answers = [i for i, c in enumerate(cells) if c.get("cell_type") == "code"
                   and (c.get("metadata", {}).get("nbgrader") or {}).get("solution")]
        for i in answers:
            cells[i]["source"] = ""
        at = answers[0] if answers else len(cells)
        cells[at:at] = [nbformat.v4.new_code_cell(chunk) for chunk in module_cells(code)]
        return notebook

    def _release(self, resources: dict[str, Any]) -> dict[str, Any]:
        """The notebook as released to students (no answers), or an empty one."""
        from nbgrader.coursedir import CourseDirectory

        info = resources.get("nbgrader", {})
        coursedir = CourseDirectory(config=self.config)
        path = Path(coursedir.format_path(coursedir.release_directory, ".", info.get("assignment", ""))) / \
            f"{info.get('notebook', '')}.ipynb"
        try:
            return parse_notebook(path.read_bytes(), path.name).notebook
        except (OSError, SubmissionError):
            return nbformat.v4.new_notebook()


class RestoreCourseCells(NbGraderPreprocessor):
    """The course's cells restored from the source notebook before nbgrader's metadata steps."""

    def preprocess(self, nb, resources):
        notes = list(resources.get(NOTES, []))
        reference = self._source_notebook(resources)
        if reference is not None:
            restored, said = restore_course_cells(nb, reference)
            nb = nbformat.from_dict(restored)
            notes += [] if resources.get(BUILT) else said
        nb.metadata["deepgrade"] = {"notes": notes}
        for note in notes:
            self.log.info("%s/%s: %s", resources.get("nbgrader", {}).get("student"),
                          resources.get("nbgrader", {}).get("notebook"), note)
        return nb, resources

    def _source_notebook(self, resources: dict[str, Any]) -> dict[str, Any] | None:
        """The course's source notebook, its test cells in line with ``checks.py`` (as released)."""
        from nbgrader.coursedir import CourseDirectory

        from ..course import Course, CourseError
        from ..release.cells import sync_test_cells

        info = resources.get("nbgrader", {})
        assignment, notebook = str(info.get("assignment", "")), str(info.get("notebook", ""))
        coursedir = CourseDirectory(config=self.config)
        path = Path(coursedir.format_path(coursedir.source_directory, ".", assignment)) / f"{notebook}.ipynb"
        try:
            source = nbformat.from_dict(parse_notebook(path.read_bytes(), path.name).notebook)
        except (OSError, SubmissionError):
            self.log.warning("no source notebook %s: the course's cells are not restored", path)
            return None
        try:
            exercise = Course(coursedir.root).exercise(assignment)
            if notebook == assignment and exercise.has_solution:
                source = sync_test_cells(source, assignment, exercise.checks())
        except CourseError:
            pass
        return dict(source)
