"""Grading a whole class: in parallel, sandboxed, resumable.

Every submission's record is written to the cache (:mod:`~autograder.batch.cache`)
as soon as it is known; a rerun after a crash (even SIGKILL) or on an
unchanged class serves what is there and grades only the rest.

Parallelism is threads: each grading's work is a sandboxed child process,
and a thread only waits on it, so ``workers`` threads keep ``workers``
students' processes busy. Each thread holds one sandbox slot (its own user id)
for as long as it grades. Everything a grading needs travels in one
:class:`ClassGrader`; nothing is kept at module level.
"""

from __future__ import annotations

import json
import queue
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..course import Course
from ..isolate.backends import Sandbox, SandboxLimits
from ..isolate.prewarm import Zygote, ZygotePool
from ..isolate.slots import SlotLease, slots_folder
from ..isolate.submission import new_scratch_root, scratch_parent, submission_files
from ..lms.late import LatePolicy
from ..lms.read import Download
from ..lms.roster import Roster
from ..plan import hidden_plans, public_plans
from ..score import Status
from .cache import ResultCache, exercise_fingerprint, grader_fingerprint, task_key
from .discover import Found, discover_class
from .grading import grade_files, grader_failure, remove_stale_scratch, trains_models
from .progress import Progress
from .record import Record, problem_record, with_submitter


@dataclass
class Options:
    workers: int = 1
    hidden: bool = True
    device: str | None = None  # cpu | gpu | auto; None: $DEEPGRADE_DEVICE, else auto
    limits: SandboxLimits = field(default_factory=SandboxLimits)
    backend: str = "auto"
    show_data: str = "auto"  # auto | hidden | visible
    exercises: list[str] = field(default_factory=list)
    use_cache: bool = True
    #: --cluster SPEC (autograder.batch.cluster_spec); None: this machine, no Dask.
    cluster: str | None = None
    cluster_config: Path | None = None
    #: Workers of ``--cluster local`` when SPEC gives no N (--workers, when given).
    cluster_workers: int | None = None
    #: Fork model submissions from a pre-warmed TensorFlow process per slot (--no-prewarm: off).
    prewarm: bool = True
    #: The download's source (--from); None: detected.
    source: str | None = None
    roster: Roster | None = None
    #: latest: grade each student's latest attempt; best: grade every attempt, keep the best.
    attempts: str = "latest"
    #: The course's late policy (deepgrade.toml [late]); None: the LMS's own flag only.
    late: LatePolicy | None = None


@dataclass
class Job:
    """One submission of one exercise to grade, at its place in the class's list."""

    index: int
    found: Found
    key: str = ""


@dataclass
class ClassGrader:
    """What every grading of one run shares: the course, the sandbox, the limits (the device
    among them), the cache and the scratch folder."""

    course: Course
    sandbox: Sandbox
    limits: SandboxLimits
    hidden: bool
    max_scores: dict[str, float]
    cache: ResultCache
    scratch_root: Path
    #: One pre-warmed TensorFlow process per slot for model exercises (None: fresh processes).
    zygotes: ZygotePool | None = None
    _models: dict[str, bool] = field(default_factory=dict)

    def zygote(self, slot: int, exercise: str) -> Zygote | None:
        """The slot's pre-warmed process for a model exercise; None for NumPy exercises."""
        if self.zygotes is None:
            return None
        if exercise not in self._models:
            self._models[exercise] = trains_models(self.course, exercise, self.hidden)
        return self.zygotes.get(self.sandbox, slot, self.limits) if self._models[exercise] else None

    def grade(self, job: Job, slot: int = 0) -> Record:
        """Grade one submission in its sandbox; never raises (a grader failure is a record)."""
        found = job.found
        try:
            assert found.path is not None  # discover gives a path, or a problem that is not graded
            files = submission_files(found.path, found.own_folder, self.course.rejected_files)
        except Exception as exc:
            return grader_failure(found, self.max_scores.get(found.exercise, 0.0), exc)
        graded = grade_files(files, found, course=self.course, sandbox=self.sandbox, limits=self.limits,
                             hidden=self.hidden, max_score=self.max_scores.get(found.exercise, 0.0),
                             scratch_root=self.scratch_root, slot=slot, key=job.key,
                             zygote=self.zygote(slot, found.exercise))
        if graded.cacheable:
            self.cache.put(job.key, graded.record)
        return graded.record


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
    from ..isolate.backends import detect

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

    cluster = _open_cluster(options, say) if options.cluster else None
    try:
        # Which tasks ask for a GPU: decided (and --device gpu without GPU workers refused)
        # from the checks' declarations, before the reference solutions run.
        resources = ({n: cluster.resources(trains_models(course, n, hidden), limits.device) for n in names}
                     if cluster is not None else {})
        # Plans once, here, before any grading starts (hidden ones run the reference solution).
        plans = {n: public_plans(course.exercise(n)) + (hidden_plans(course.exercise(n)) if hidden else [])
                 for n in names}
        max_scores = {n: float(sum(p.points for p in plans[n])) for n in names}
        if cluster is not None:
            # Each worker grades in its own host's sandbox: the run's backend is the best that
            # works on all of them (part of every cache key, as the local backend is).
            sandbox = replace(cluster.sandbox(options.backend), show_data=options.show_data == "visible")
            say("deepgrade: " + cluster.describe() + "; " + sandbox.describe())
        else:
            # bwrap shows only what it lists; for unshare these are covered by empty mounts.
            hide = (course.solutions_dir, course.exercises_dir, submissions, out)
            # No exercise needs the data files: model checks send the training and validation
            # arrays themselves and keep the held-out labels, so "auto" hides them like "hidden".
            sandbox = detect(options.backend, hide=hide, show_data=options.show_data == "visible")
            say("deepgrade: " + sandbox.describe())

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
        if cluster is not None:
            graded = cluster.grade_jobs(course, todo, max_scores=max_scores, hidden=hidden, limits=limits,
                                        sandbox=sandbox, grader=grader_fp, resources=resources,
                                        hide=(course.solutions_dir, course.exercises_dir, submissions, out),
                                        prewarm=options.prewarm)
            try:
                for job, record, cacheable in graded:
                    if cacheable:
                        cache.put(job.key, record)  # the moment it arrives: a killed grader resumes
                    records[job.index] = record
                    progress.tick(record)
            finally:
                progress.finish()
        else:
            parent = scratch_parent()
            remove_stale_scratch(parent)
            root = new_scratch_root(parent)
            grader = ClassGrader(course=course, sandbox=sandbox, limits=limits, hidden=hidden,
                                 max_scores=max_scores, cache=cache, scratch_root=root,
                                 zygotes=ZygotePool(root, say) if options.prewarm else None)
            try:
                for job, record in _grade_all(grader, todo, options.workers):
                    records[job.index] = record
                    progress.tick(record)
            finally:
                progress.finish()
                if grader.zygotes is not None:
                    grader.zygotes.close()
                shutil.rmtree(grader.scratch_root, ignore_errors=True)
    finally:
        if cluster is not None:
            cluster.close()
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


def _open_cluster(options: Options, say: Callable[[str], None]) -> Any:
    """The Dask cluster ``--cluster`` names, started and probed (only now is Dask imported)."""
    from .cluster import ClusterGrading
    from .cluster_spec import load_config, parse_spec

    spec, config = parse_spec(options.cluster or ""), load_config(options.cluster_config)
    return ClusterGrading(spec, config, workers=options.cluster_workers, log=say).open()


def _from_cache(hit: Record, found: Found) -> Record:
    """A cached record, as this run names its student and file."""
    return Record(student=found.student, result=hit.result, submission=str(found.path), output=hit.output,
                  key=hit.key, seconds=hit.seconds, cached=True)


def _grade_all(grader: ClassGrader, jobs: list[Job], workers: int) -> Iterator[tuple[Job, Record]]:
    """Grade ``jobs`` on ``workers`` threads, each holding a sandbox slot; yields as they finish."""
    if not jobs:
        return
    lease = SlotLease(max(1, min(workers, len(jobs))), slots_folder())
    slots: queue.Queue[int] = queue.Queue()
    for slot in lease.slots:
        slots.put(slot)

    def grade(job: Job) -> tuple[Job, Record]:
        slot = slots.get()
        try:
            return job, grader.grade(job, slot)
        finally:
            slots.put(slot)

    with lease, ThreadPoolExecutor(max_workers=slots.qsize(), thread_name_prefix="deepgrade-grade") as pool:
        futures = [pool.submit(grade, job) for job in jobs]
        try:
            for future in as_completed(futures):
                yield future.result()
        except BaseException:
            for future in futures:
                future.cancel()
            raise
