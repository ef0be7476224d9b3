"""The one way a student's code runs on the instructor's side: in the sandbox, on a scratch copy.

``deepgrade grade`` (each task of the class grader), ``deepgrade check
--hidden`` and ``nbgrader autograde`` (:mod:`autograder.nbgrader.autograde`)
all grade through :func:`grade_isolated`. Invariants:

* The student's process sees the submission's folder only as a scratch copy
  (:func:`submission_files` decides what is copied; the class grader's cache
  key hashes exactly that list). With bubblewrap the copy is read-only at
  ``/submission`` and the worker copies it into a size-capped tmpfs home, so a
  submission cannot fill the grading machine's disk.
* Nothing of the course (solutions/, the release, the gradebook), the other
  submissions, the output folder, the grader's install or the home folder is
  writable, and with bubblewrap none of it except the Python installation and
  the grader's package is visible at all.
* The grader gets plain data back and judges in its own process; the scratch
  folder is removed afterwards, whatever happened.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

from ..course import Exercise
from ..grade import grade_plans
from ..kinds import Plan
from ..load import Program, SubmissionError
from ..load.notebook_file import link_reason, read_notebook_file
from ..plan import exercise_plans
from ..run.failure import retrying_grader_failures
from ..score import ExerciseResult
from .backends import Sandbox, SandboxLimits
from .prewarm import Zygote
from .process import SandboxedProcess
from .slots import SlotLease, slots_folder

#: What of a submission's folder reaches the sandbox (and the cache key): at most this many
#: files, each at most this large, all together at most this much. Hidden files and
#: caches are left out, and so are symbolic links (they could point anywhere).
MAX_FILES = 200
MAX_FILE_BYTES = 50 << 20
MAX_TOTAL_BYTES = 100 << 20
#: Folders below the submission's own that are looked into (a package is rarely 3 deep).
MAX_DEPTH = 16
_SKIPPED_NAMES = {"__pycache__", ".ipynb_checkpoints", ".git", ".venv", "node_modules"}


@dataclass(frozen=True)
class SubmissionFiles:
    """The files of a submission that the sandbox gets, and what was left out and why."""

    root: Path
    files: tuple[Path, ...]
    left_out: tuple[str, ...] = ()  # past the limits, or links
    rejected: tuple[str, ...] = ()  # files the course does not accept (deepgrade.toml)

    def notes(self) -> list[str]:
        notes = []
        if self.left_out:
            notes.append(f"{len(self.left_out)} file(s) beside the submission were not given to the grader "
                         f"(at most {MAX_FILES} files, {MAX_FILE_BYTES >> 20} MB each, "
                         f"{MAX_TOTAL_BYTES >> 20} MB in all; no links or hidden files): {_some(self.left_out)}")
        if self.rejected:
            notes.append(f"the course does not accept these files beside a submission, so the grader "
                         f"left them out: {_some(self.rejected)}")
        return notes


def _some(names: tuple[str, ...]) -> str:
    return ", ".join(names[:5]) + (" ..." if len(names) > 5 else "")


def submission_files(main: Path, whole_folder: bool, reject: tuple[str, ...] = ()) -> SubmissionFiles:
    """The submission file, and with ``whole_folder`` what lies beside it (helper modules,
    packages, data files, a saved model), within the limits above, less the files matching
    the course's ``reject`` patterns. The main file comes first."""
    main = main.resolve()
    root = main.parent
    files, left_out, rejected, total = [main], [], [], main.stat().st_size
    if whole_folder:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if d not in _SKIPPED_NAMES and not d.startswith("."))
            if dirnames and len(Path(dirpath).relative_to(root).parts) >= MAX_DEPTH:
                left_out.append(f"{Path(dirpath).relative_to(root)}/ (folders deeper than {MAX_DEPTH})")
                dirnames[:] = []  # os.walk recurses once per level: a folder 1,000 deep stopped the class
            for name in sorted(filenames):
                path = Path(dirpath) / name
                if path == main:
                    continue
                rel = str(path.relative_to(root))
                if any(fnmatch(rel, pattern) or fnmatch(name, pattern) for pattern in reject):
                    rejected.append(rel)
                    continue
                if name.startswith(".") or link_reason(path):  # links: content not the student's own
                    if not name.startswith("."):
                        left_out.append(rel)
                    continue
                size = path.stat().st_size
                if len(files) >= MAX_FILES or size > MAX_FILE_BYTES or total + size > MAX_TOTAL_BYTES:
                    left_out.append(rel)
                    continue
                files.append(path)
                total += size
    return SubmissionFiles(root, tuple(files), tuple(left_out), tuple(rejected))


def make_scratch(parent: Path, files: SubmissionFiles) -> Path:
    """A fresh folder under ``parent`` holding a copy of ``files`` (the layout kept)."""
    scratch = Path(tempfile.mkdtemp(prefix="s-", dir=parent))
    os.chmod(scratch, 0o755)
    for path in files.files:
        dest = scratch / path.relative_to(files.root)
        dest.parent.mkdir(parents=True, exist_ok=True)
        if path == files.files[0] and path.suffix == ".ipynb":
            dest.write_text(_without_outputs(path), encoding="utf-8")
        else:
            shutil.copyfile(path, dest)
    return scratch


def _without_outputs(notebook: Path) -> str:
    """The notebook as the sandbox sees it: without its outputs (a 100 MB output is no answer, and
    would fill the scratch folder), or empty when it cannot be read (its program was read already)."""
    try:
        return read_notebook_file(notebook).text()
    except SubmissionError:
        return ""


@dataclass
class Isolated:
    """What grading one submission in the sandbox gave: the verdicts (with what pictures
    need in their details) and, for reports, what the code printed and each cell's output."""

    result: ExerciseResult
    printed: str = ""
    cell_outputs: list[dict[str, Any]] = field(default_factory=list)
    #: How many of the student's processes were forked from the slot's pre-warmed process.
    forked: int = 0


class SandboxedProcesses:
    """The student's processes of one submission: each in the sandbox on one scratch copy of
    ``files`` (in the ``zygote``'s inbox when there is one: model checks then fork their process
    from it), made by calling this as :func:`autograder.grade.grade_program` calls its ``process``.
    The scratch copy is removed on leaving the ``with`` block, whatever happened."""

    def __init__(self, files: SubmissionFiles, *, sandbox: Sandbox, limits: SandboxLimits, scratch_parent: Path,
                 slot: int = 0, zygote: Any = None):
        self.files, self.sandbox, self.limits, self.slot, self.zygote = files, sandbox, limits, slot, zygote
        self.scratch_parent = zygote.inbox if zygote is not None else scratch_parent
        self.scratch: Path | None = None
        #: Every process made, in order.
        self.made: list[SandboxedProcess] = []

    def __enter__(self) -> SandboxedProcesses:
        self.scratch = make_scratch(self.scratch_parent, self.files)
        try:
            self.sandbox.prepare_scratch(self.scratch, self.slot)
        except BaseException:
            shutil.rmtree(self.scratch, ignore_errors=True)
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)

    def __call__(self, prog: Program, limits: Any = None, **kwargs: Any) -> SandboxedProcess:
        assert self.scratch is not None, "SandboxedProcesses makes processes inside its with block"
        proc = SandboxedProcess(prog, sandbox=self.sandbox, scratch=self.scratch, slot=self.slot,
                                limits=limits or self.limits, zygote=self.zygote, **kwargs)
        self.made.append(proc)
        return proc


def grade_isolated(program: Program, exercise: Exercise, files: SubmissionFiles, *, sandbox: Sandbox,
                   limits: SandboxLimits, hidden: bool, scratch_parent: Path, slot: int = 0,
                   zygote: Any = None, plans: Sequence[Plan] | None = None) -> Isolated:
    """Grade ``program`` (read from ``files.files[0]``) in the sandbox, on a scratch copy.

    With the slot's ``zygote`` (:class:`autograder.isolate.prewarm.Zygote`) the scratch copy
    goes into its inbox, and model checks fork their process from it. ``plans`` are the checks
    judged (default: the exercise's public ones, and with ``hidden`` its hidden ones too)."""
    if plans is None:
        plans = exercise_plans(exercise, hidden=hidden)
    with SandboxedProcesses(files, sandbox=sandbox, limits=limits, scratch_parent=scratch_parent, slot=slot,
                            zygote=zygote) as process:
        result = grade_plans(program, exercise.name, plans, limits=limits, process=process, pictures=True)
        result.notes[:0] = files.notes()
    isolated = Isolated(result)
    for proc in process.made:
        isolated.forked += proc.forked
        if proc.printed():
            isolated.printed += ("\n" if isolated.printed else "") + proc.printed()
        if proc.cell_outputs and not isolated.cell_outputs:
            isolated.cell_outputs = proc.cell_outputs
    return isolated


def new_scratch_root(parent: Path) -> Path:
    """This grading run's folder for scratch copies, named after its pid, so that a later run
    can tell (``runner.remove_stale_scratch``) a killed run's leftovers from a live run's."""
    root = Path(tempfile.mkdtemp(prefix=f"deepgrade-{os.getpid()}-", dir=parent))
    os.chmod(root, 0o711)
    return root


def scratch_parent() -> Path:
    """Where scratch folders go: ``$DEEPGRADE_SCRATCH``, else /var/tmp, else the temp folder."""
    return Path(os.environ.get("DEEPGRADE_SCRATCH") or
                ("/var/tmp" if os.path.isdir("/var/tmp") else tempfile.gettempdir()))


def grade_one(program: Program, exercise: Exercise, files: SubmissionFiles, *, hidden: bool,
              limits: SandboxLimits | None = None, backend: str = "auto",
              log: Callable[[str], None] | None = None) -> Isolated:
    """Grade one submission in the best sandbox here: ``deepgrade check --hidden`` and
    ``nbgrader autograde``. The course's folders and the submission's own folder are kept
    out (bwrap shows neither anyway); a weaker sandbox is said once through ``log``. A
    grader failure is retried; :class:`~autograder.run.failure.GraderFailures` when it persists."""
    from .backends import detect

    course = exercise.course
    sandbox = detect(backend, hide=(course.solutions_dir, course.exercises_dir, files.root))
    if sandbox.missing and log is not None:
        log("deepgrade: " + sandbox.describe())
    parent = scratch_parent()
    root = new_scratch_root(parent)
    limits = limits or SandboxLimits()
    try:
        with SlotLease(1, slots_folder()) as lease:  # its own user, beside any other run
            slot = lease.slots[0]
            zygote = _prewarmed(exercise, hidden, sandbox, slot, limits, root)
            try:
                isolated, _ = retrying_grader_failures(  # raises GraderFailures when the grader keeps failing
                    lambda last: grade_isolated(program, exercise, files, sandbox=sandbox, limits=limits,
                                                hidden=hidden, scratch_parent=root, slot=slot,
                                                zygote=None if last else zygote))  # the last try: fresh processes
            finally:
                if zygote is not None:
                    zygote.close()
            return isolated
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _prewarmed(exercise: Exercise, hidden: bool, sandbox: Sandbox, slot: int, limits: SandboxLimits,
               root: Path) -> Zygote | None:
    """A pre-warmed TensorFlow process when this grading starts two model processes (a learning
    check trains again in a fresh one): TensorFlow is imported once, and both are forked from it.
    None for any other grading, or when it cannot start here (the processes start afresh)."""
    if not hidden or not any(check.kind == "learning" for check in exercise.checks()):
        return None
    zygote = Zygote(sandbox, slot, limits, root / "inbox")
    return None if zygote.start() else zygote
