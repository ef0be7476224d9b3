"""Grading a whole class: in parallel, sandboxed, resumable.

Every submission's record is written to the cache (:mod:`~autograder.batch.cache`)
as soon as it is known; a rerun after a crash (even SIGKILL) or on an
unchanged class serves what is there and grades only the rest.

What is graded, and what becomes of each record, is decided here, once: the
class's discovery, the plans, the cache, the progress line, the records in the
class's order. Where it is graded is a strategy (:class:`~.strategy.Runner`)
chosen by name from :data:`RUNNERS`: threads on this machine
(:class:`~.runner_local.LocalRunner`) or a Dask cluster
(:class:`~.runner_dask.DaskRunner`).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from ..course import Course
from ..isolate.backends import Sandbox
from ..lms.read import Download
from ..plan import hidden_plans, public_plans
from ..score import Status
from .cache import ResultCache, exercise_fingerprint, grader_fingerprint, task_key
from .discover import Found, discover_class
from .options import Options
from .progress import Progress
from .record import Record, problem_record, with_submitter
from .runner_dask import DaskRunner
from .runner_local import LocalRunner
from .strategy import Job, Runner, Say, Work

#: The strategies a class can be graded by, by name (:attr:`Options.strategy` chooses).
RUNNERS: dict[str, Callable[[Options, Say], Runner]] = {"local": LocalRunner, "dask": DaskRunner}


# -- the batch ----------------------------------------------------------------------------
@dataclass
class Batch:
    records: list[Record]  # in the class's order
    sandbox: Sandbox
    graded: int
    cached: int
    seconds: float
    #: What the download held and what became of every file (None: not read from a download).
    download: Download | None = None

    @property
    def grader_errors(self) -> int:
        return sum(1 for r in self.records if r.grader_error)


def run_batch(course: Course, submissions: Path, out: Path, options: Options,
              progress: Progress | None = None, log: Callable[[str], None] | None = None) -> Batch:
    say = log or (lambda text: print(text, file=sys.stderr))
    started = time.monotonic()
    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    submissions = submissions.resolve()
    limits = replace(options.limits, device=options.device or options.limits.device)

    hidden = options.hidden and all(course.exercise(n).has_solution for n in
                                    (options.exercises or course.exercise_names))
    if options.hidden and not hidden:
        say("deepgrade: no solutions/ for some exercise: grading the public checks only")
    discovery = discover_class(submissions, course.exercise_names, out / "unpacked", options.exercises or None,
                               exclude=(out,), source=options.source, roster=options.roster,
                               attempts=options.attempts, late=options.late)
    found = discovery.found
    names = sorted({f.exercise for f in found})
    for name in names:
        course.exercise(name)  # an unknown --exercise is a usage error

    runner = RUNNERS[options.strategy](options, say)
    try:
        runner.prepare(course, names, hidden, limits.device)
        # Plans once, here, before any grading starts (hidden ones run the reference solution).
        plans = {n: public_plans(course.exercise(n)) + (hidden_plans(course.exercise(n)) if hidden else [])
                 for n in names}
        max_scores = {n: float(sum(p.points for p in plans[n])) for n in names}
        hide = (course.solutions_dir, course.exercises_dir, submissions, out)
        sandbox = runner.sandbox(options, hide)
        say("deepgrade: " + runner.describe(sandbox))

        grader_fp = grader_fingerprint()
        settings = json.dumps({"hidden": hidden, "device": options.device, "backend": sandbox.name,
                               "limits": repr(limits), "grader": grader_fp,
                               "data": {n: sandbox.show_data for n in names}}, sort_keys=True)
        fps = {n: exercise_fingerprint(course, n, hidden) for n in names}
        cache = ResultCache(out / "cache", enabled=options.use_cache)

        records: list[Record | None] = [None] * len(found)
        todo: list[Job] = []
        cached = 0
        for i, f in enumerate(found):
            if f.path is None:
                records[i] = problem_record(f, max_scores[f.exercise],
                                            Status.NOT_ATTEMPTED if f.missing else Status.ERROR)
                continue
            key = task_key(f, fps[f.exercise], settings, course.rejected_files)
            hit = cache.get(key)
            if hit is not None:
                records[i] = _from_cache(hit, f)
                cached += 1
                continue
            todo.append(Job(i, f, key))

        progress = progress or Progress(len(found), stream=sys.stderr)
        progress.start(done=len(found) - len(todo), cached=cached)
        work = Work(course=course, sandbox=sandbox, limits=limits, hidden=hidden, max_scores=max_scores,
                    grader=grader_fp, hide=hide, prewarm=options.prewarm)
        try:
            for job, record, cacheable in runner.grade(work, todo):
                if cacheable:
                    cache.put(job.key, record)  # the moment it arrives: a killed grader resumes
                records[job.index] = record
                progress.tick(record)
        finally:
            progress.finish()
    finally:
        runner.close()
    final = [with_submitter(r, f) for r, f in zip(records, found, strict=True) if r is not None]
    if options.attempts == "best":
        final = _best_attempts(final, discovery.download)
    return Batch(final, sandbox, len(todo), cached, time.monotonic() - started,
                 discovery.download)


def _best_attempts(records: list[Record], download: Download) -> list[Record]:
    """Of each student's graded attempts at an exercise, the one with the most points (after
    penalty; the latest among equals); the others are noted on it and in the inventory."""
    from ..lms.model import Fate

    best: dict[tuple[str, str], Record] = {}
    for r in records:
        key = (r.student, r.result.exercise)
        if key not in best or r.final_score > best[key].final_score:
            best[key] = r
    kept = {id(r) for r in best.values()}
    for r in records:
        if id(r) in kept or r.submission is None:
            continue
        winner = best[(r.student, r.result.exercise)]
        winner.result.notes.append(f"attempt {r.handed.attempt} of {r.handed.attempts} "
                                   f"({r.submission.rsplit('/', 1)[-1]}) scored {r.final_score:g}; "
                                   "the best attempt counts")
        for f in download.files:
            if f.fate is Fate.GRADED and f.student == r.student and f.exercise == r.result.exercise \
                    and str(r.submission).endswith(f.handed.rsplit("/", 1)[-1]):
                f.why = f"graded ({r.final_score:g} points); a better attempt counts"
    return [r for r in records if id(r) in kept]


def _from_cache(hit: Record, found: Found) -> Record:
    """A cached record, as this run names its student and file."""
    return Record(student=found.student, result=hit.result, submission=str(found.path), output=hit.output,
                  key=hit.key, seconds=hit.seconds, cached=True)


__all__ = ["RUNNERS", "Batch", "Options", "run_batch"]
