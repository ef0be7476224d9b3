"""Model submissions graded as ``deepgrade grade`` grades them, one pre-warmed process for many.

The class grader keeps, per worker slot, one process that has imported TensorFlow
(:class:`autograder.isolate.prewarm.Zygote`) and forks each model submission's process from
it, in the sandbox (:func:`autograder.isolate.submission.grade_isolated`). A test module that
grades many small model submissions does the same through :class:`PrewarmedGrader`: it pays
TensorFlow's import (4-8 s of CPU) once, not once per submission. Tests of the student's own
plain process (its starts, its requests, the device setting) keep :func:`autograder.grade.grade_submission`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from autograder.course import Course
from autograder.isolate.backends import SandboxLimits, detect
from autograder.isolate.prewarm import Zygote
from autograder.isolate.slots import SlotLease, slots_folder
from autograder.isolate.submission import SandboxedProcesses, grade_isolated, submission_files
from autograder.load import load_program
from autograder.score import ExerciseResult


class PrewarmedGrader:
    """One sandbox slot, held from :meth:`open` to :meth:`close` as a grading run holds it (another
    run on the machine never uses its uid), and its pre-warmed process; :meth:`grade` grades one
    submission there. Where the sandbox cannot fork (no bubblewrap), processes start afresh."""

    def __init__(self, course: Course, scratch: Path):
        self.course, self.scratch = course, scratch
        self.limits = SandboxLimits()
        self.sandbox = detect("auto", hide=(course.solutions_dir, course.exercises_dir))
        self.lease = SlotLease(1, slots_folder())
        self.slot = self.lease.slots[0]
        self.zygote: Zygote | None = Zygote(self.sandbox, self.slot, self.limits, scratch / f"inbox-{self.slot}")
        #: Why the submissions' processes start afresh ('' while they are forked).
        self.refused = self.zygote.start()
        if self.refused:
            self.zygote.close()
            self.zygote = None
        #: How many of the graded submissions' processes were forked.
        self.forked = 0

    def grade(self, path: Path, exercise: str, *, hidden: bool = False) -> ExerciseResult:
        """Grade ``path`` on ``exercise`` as the class grader does (``hidden``: every check)."""
        ex = self.course.exercise(exercise)
        program = load_program(path, reference=ex.student_notebook, submitted=True)
        files = submission_files(path, True, self.course.rejected_files)
        isolated = grade_isolated(program, ex, files, sandbox=self.sandbox, limits=self.limits, hidden=hidden,
                                  scratch_parent=self.scratch, slot=self.slot, zygote=self.zygote)
        self.forked += isolated.forked
        return isolated.result

    def processes(self, path: Path) -> SandboxedProcesses:
        """The sandboxed processes of ``path``'s submission, for a test that picks its own plans
        (``with grader.processes(path) as process: open_student(program, plans, process=process)``)."""
        return SandboxedProcesses(submission_files(path, True, self.course.rejected_files), sandbox=self.sandbox,
                                  limits=self.limits, scratch_parent=self.scratch, slot=self.slot,
                                  zygote=self.zygote)

    def close(self) -> None:
        if self.zygote is not None:
            self.zygote.close()
        self.lease.release()
        shutil.rmtree(self.scratch, ignore_errors=True)
