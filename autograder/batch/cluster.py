"""``deepgrade grade --cluster SPEC``: the class graded on Dask distributed, one task per submission.

The grader (this process) does what the local runner does before and after
grading: discovers the class, plans the checks, computes every cache key,
serves what is cached, writes the reports. In between, each submission ×
exercise left to grade is one Dask task (:func:`~autograder.batch.cluster_worker.grade_task`)
run on a worker in that host's sandbox. Invariants:

* Dask is imported only here and only with ``--cluster``: without it nothing
  changes (the local runner, no Dask needed).
* No shared file system: the course reaches workers as one content-addressed
  archive (:mod:`~autograder.batch.bundle`, with each task, unpacked once per
  host by its digest; not a task of its own, which Dask would lose with a dying
  worker and recompute, so that a death would fail every task waiting on it), a
  submission as the bytes of exactly its
  :func:`~autograder.isolate.submission.submission_files`; only records come back.
* Every record is written into OUT's cache by this process the moment it
  arrives (atomically), so a killed grader resumes where it stopped; each job's
  future resolves once and lands at the job's own index, so nothing is graded
  twice into the results.
* A killed worker's task is tried again by this process (Dask's schedulers
  started here report the death at once: ``allowed-failures`` = 0; the retries
  are ours, never Dask's). A death is charged only to a task that ran alone: a
  task that died with others of the run in flight (Dask can put two on one
  worker) is tried again uncharged, alone; after
  :data:`~autograder.batch.cluster_deploy.MAX_TRIES` charged deaths it comes
  back as a grader failure: status ``error``, not cached, graded again next run.
  So a submission that kills its worker never costs a co-located one its grading.
* Every worker at the start is probed before grading: the same grading code as
  this grader (else a clear error), the best sandbox backend that works on all
  of them (the run's backend, part of every cache key), and their GPUs:
  ``--device gpu`` with model exercises and no ``GPU`` worker is an error before
  any grading starts.
* ``--cluster slurm`` (:mod:`~autograder.batch.cluster_slurm`): the job script is
  checked by Slurm before any job exists, the jobs are watched (one that ends or
  stays queued is reported; when all end while grading, :meth:`ClusterGrading.lose`
  turns what is left into grader failures), and every job is cancelled when the
  run ends, on SIGINT and on SIGTERM. Any other cluster left with no worker for
  ``start_timeout`` seconds is lost the same way
  (:class:`~autograder.batch.worker_watch.WorkerWatch`): never waited on forever.
* At most as many tasks as worker threads (and never more than :data:`WINDOW`)
  are in flight, so a class of any size holds a bounded number of submissions
  in memory.
"""

from __future__ import annotations

import logging
import os
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from ..isolate.backends import PROTECTIONS, Sandbox, SandboxLimits, backend_names
from ..isolate.submission import submission_files
from ..run.device import gpu_devices, requested_device
from .bundle import CourseBundle
from .cluster_deploy import ALLOWED_FAILURES, MAX_TRIES, kubernetes_spec, slurm_options
from .cluster_slurm import (
    JobWatch,
    SlurmJobs,
    check_job_script,
    exit_on_sigterm,
    slurm_cluster_class,
    wait_for_first_worker,
)
from .cluster_spec import ClusterConfig, ClusterSpec, ClusterSpecError
from .cluster_worker import GradeTask, grade_task, probe_worker
from .record import Record
from .worker_watch import Watch, WorkerWatch, scheduler_workers

#: Tasks submitted and not yet returned, at most.
WINDOW = 256
#: The Dask worker resource that model exercises ask for with --device gpu|auto.
GPU = "GPU"


class ClusterError(RuntimeError):
    """The cluster cannot grade this class (unreachable, no worker, other grading code,
    no common sandbox, no GPU for --device gpu); the message says what to do."""


def _need_dask() -> None:
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise ClusterSpecError("--cluster needs Dask: pip install \"deepgrade[cluster]\" "
                               "(make install does)") from None


@dataclass
class WorkerReport:
    """What :func:`~autograder.batch.cluster_worker.probe_worker` said of one worker, and its
    resources as the scheduler knows them."""

    address: str
    host: str
    grader: str
    backends: dict[str, dict[str, Any]]
    resources: dict[str, float] = field(default_factory=dict)

    @property
    def has_gpu(self) -> bool:
        return self.resources.get(GPU, 0) > 0


def local_gpu_resources() -> dict[str, float]:
    """A local worker's resources: ``GPU`` when this machine has an NVIDIA GPU (workers share it:
    TensorFlow's memory growth is on)."""
    return {GPU: 1} if gpu_devices() else {}


def choose_sandbox(reports: list[WorkerReport], preferred: str = "auto") -> Sandbox:
    """The best backend that works on every worker (or ``preferred``, which must), its
    protections as the weakest worker has them, and why better ones are not used."""
    order = list(backend_names()) if preferred == "auto" else [preferred]
    reasons = []
    for name in order:
        lacking = [(r.host, r.backends[name]["why"]) for r in reports if r.backends[name]["why"]]
        if lacking:
            host, why = lacking[0]
            reasons.append(f"{name}: {why} (on {len(lacking)} worker(s), e.g. {host})")
            continue
        common = set.intersection(*(set(r.backends[name]["protections"]) for r in reports))
        return Sandbox(name, tuple(p for p in PROTECTIONS if p in common), reason="; ".join(reasons))
    raise ClusterError("no sandbox backend works on every worker: " + "; ".join(reasons) +
                       " (install bubblewrap on the workers' hosts, or choose one with --sandbox)")


def task_resources(model: bool, device: str | None, gpu_workers: int) -> dict[str, float] | None:
    """The resources one task asks for: a GPU for a model exercise with ``--device gpu``, or
    with ``auto`` when the cluster has GPU workers; nothing otherwise. ``--device gpu`` on a
    cluster without GPU workers is a :class:`ClusterError`."""
    wanted = requested_device(device)
    if not model or wanted == "cpu":
        return None
    if wanted == "gpu" and not gpu_workers:
        raise ClusterError("--device gpu, but no worker of the cluster has a GPU (the Dask worker resource "
                           f"`{GPU}`): start workers with `dask worker ... --resources {GPU}=1`, set gpus in "
                           "the cluster config, or use --device auto")
    return {GPU: 1} if gpu_workers else None


@dataclass
class Submitted:
    """A job handed to the cluster, and what its record needs if the task never returns."""

    index: int
    found: Any  # discover.Found
    key: str
    max_score: float


@dataclass
class Attempt:
    """A job on its way through the cluster: its task once read, and how its tries went."""

    job: Submitted
    on_gpu: bool
    task: GradeTask | None = None
    #: Tasks handed to the scheduler for this job so far.
    runs: int = 0
    #: Worker deaths charged to it: deaths while it ran alone.
    charged: int = 0
    #: Whether its latest task was handed over with nothing else of this run in flight, and
    #: nothing else was handed over until it ended.
    alone: bool = False


class ClusterGrading:
    """A Dask client on the cluster SPEC names, started (or connected) on :meth:`open` and
    closed (with any cluster it started) on :meth:`close`."""

    def __init__(self, spec: ClusterSpec, config: ClusterConfig, *, workers: int | None = None,
                 log: Callable[[str], None] = print):
        _need_dask()
        self.spec, self.config, self.log = spec, config, log
        self.workers_hint = workers
        self.cluster: Any = None
        self.client: Any = None
        self.reports: list[WorkerReport] = []
        self._capacity, self._capacity_at = (1, 0), -1e9
        #: Why the cluster can grade nothing more ("" while it can): set by :meth:`lose`.
        self.lost = ""
        self._in_flight: dict[Any, Any] = {}
        self._slurm_jobs: SlurmJobs | None = None
        self._watch: Watch | None = None
        self._restore_sigterm: Callable[[], Any] = lambda: None

    # -- starting -------------------------------------------------------------------------
    def open(self) -> ClusterGrading:
        import dask
        from distributed import Client

        kind = self.spec.kind
        self._restore_sigterm = exit_on_sigterm()  # SIGTERM, like Ctrl-C, ends the run through close()
        try:
            with dask.config.set({ALLOWED_FAILURES: 0}):  # read when a scheduler starts; see grade()
                if kind == "local":
                    self.cluster = self._local()
                elif kind == "slurm":
                    self.cluster = self._slurm()
                elif kind == "kubernetes":
                    self.cluster = self._kubernetes()
                address = self.cluster if self.cluster is not None else self.spec.address
                self.client = Client(address, timeout=min(30.0, self.config.start_timeout), set_as_default=False)
            expected = self._expected_workers()
            if kind != "local":
                self.log(f"deepgrade: waiting for the first worker of {self.spec} "
                         f"(up to {self.config.start_timeout:g} s)")
            if self._slurm_jobs is not None:  # watched: a job that ends or stays queued is reported
                wait_for_first_worker(self.client, self._slurm_jobs, self.config.start_timeout)
                self._watch = JobWatch(self._slurm_jobs, self.lose, poll=self.config.job_poll).start()
            else:
                self.client.wait_for_workers(expected, timeout=self.config.start_timeout)
                self._watch = WorkerWatch(self.client, self.lose, self.config.start_timeout).start()
            self.log(f"deepgrade: Dask dashboard at {self.client.dashboard_link}")
            self.reports = self.probe()
        except (OSError, TimeoutError) as exc:
            self.close()
            raise ClusterError(self._unreachable(exc)) from None
        except BaseException:
            self.close()  # a cluster this run started ends with it, whatever stopped the start
            raise
        return self

    def _expected_workers(self) -> int:
        if self.spec.kind == "local":
            return self.spec.workers or self.workers_hint or os.cpu_count() or 1
        return 1

    def _unreachable(self, exc: BaseException) -> str:
        if self.spec.kind == "tcp":
            return (f"cannot reach a Dask scheduler with workers at {self.spec.address} ({exc}): start one with "
                    "`dask scheduler` and its workers with `dask worker ADDRESS --nthreads 1` "
                    "(docs/grading-a-class.md)")
        return f"the {self.spec} cluster did not start a worker in time ({type(exc).__name__}: {exc})"

    def _local(self) -> Any:
        from distributed import LocalCluster

        n = self._expected_workers()
        resources = {GPU: float(self.config.gpus)} if self.config.gpus else local_gpu_resources()
        return LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                            dashboard_address="127.0.0.1:0", resources=resources or None,
                            silence_logs=logging.ERROR)

    def _slurm(self) -> Any:
        import shutil

        if shutil.which("sbatch") is None:
            raise ClusterError("--cluster slurm submits its workers with sbatch, which is not installed here: "
                               "run deepgrade grade on the cluster's login node")
        cluster = slurm_cluster(self.config)
        try:
            check_job_script(cluster.job_script())  # a job Slurm refuses: its reason, before any job exists
        except BaseException:
            cluster.close()
            raise
        self._slurm_jobs = SlurmJobs(cluster)
        cluster.scale(jobs=self.config.jobs)
        return cluster

    def _kubernetes(self) -> Any:
        try:
            from dask_kubernetes.operator import KubeCluster
        except ImportError:
            raise ClusterSpecError("--cluster kubernetes needs Dask's Kubernetes operator client: "
                                   "pip install dask-kubernetes (docs/grading-a-class.md)") from None
        return KubeCluster(custom_cluster_spec=kubernetes_spec(self.config),
                           namespace=self.config.namespace or None)

    def probe(self) -> list[WorkerReport]:
        """Every worker now: same grading code, sandboxes, GPUs."""
        from .cache import grader_fingerprint

        answers = self.client.run(probe_worker)
        try:
            info = self.client.scheduler_info(n_workers=-1)
        except TypeError:  # distributed before 2025: every worker by default
            info = self.client.scheduler_info()
        reports = [WorkerReport(address=addr, host=a["host"], grader=a["grader"], backends=a["backends"],
                                resources=dict(info["workers"].get(addr, {}).get("resources") or {}))
                   for addr, a in sorted(answers.items())]
        mine = grader_fingerprint()
        other = [r for r in reports if r.grader != mine]
        if other:
            raise ClusterError(f"{len(other)} worker(s) (e.g. on {other[0].host}) run other deepgrade grading code "
                               "than this grader: install the same deepgrade version on every worker")
        return reports

    def sandbox(self, preferred: str = "auto") -> Sandbox:
        """The run's sandbox: the best backend on every worker (:func:`choose_sandbox`)."""
        return choose_sandbox(self.reports, preferred)

    def resources(self, model: bool, device: str | None) -> dict[str, float] | None:
        """What a task of a model (or NumPy) exercise asks for (:func:`task_resources`)."""
        return task_resources(model, device, self.gpu_workers)

    @property
    def gpu_workers(self) -> int:
        return sum(1 for r in self.reports if r.has_gpu)

    def describe(self) -> str:
        hosts = sorted({r.host for r in self.reports})
        return (f"cluster {self.spec}: {len(self.reports)} worker(s) on {len(hosts)} host(s), "
                f"{self.gpu_workers} with a GPU")

    def lose(self, why: str) -> None:
        """The cluster can grade nothing more (its Slurm jobs all ended): what is in flight
        and what waits come back as grader failures saying ``why``."""
        self.lost = why
        client = self.client
        if client is not None:
            try:
                client.cancel(list(self._in_flight))
            except Exception:  # the client is closing: grade() sees self.lost
                pass

    def close(self) -> None:
        if self._watch is not None:
            self._watch.stop()
            self._watch = None
        for thing in (self.client, self.cluster):
            if thing is not None:
                try:
                    thing.close()
                except Exception:  # closing a half-started cluster: nothing more to do
                    pass
        self.client = self.cluster = None
        if self._slurm_jobs is not None:
            jobs, self._slurm_jobs = self._slurm_jobs, None
            jobs.cancel()  # what dask-jobqueue left (a job still submitting when it closed)
            if jobs.known:
                self.log(f"deepgrade: Slurm job(s) {', '.join(jobs.known)} of this run cancelled")
        self._restore_sigterm()
        self._restore_sigterm = lambda: None

    def __enter__(self) -> ClusterGrading:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- grading --------------------------------------------------------------------------
    def capacity(self) -> tuple[int, int]:
        """Worker threads now: all of them, and those of workers with a GPU."""
        now = time.monotonic()
        if now - self._capacity_at > 2.0:
            workers = scheduler_workers(self.client)
            self._capacity = (sum(w.get("nthreads", 1) for w in workers),
                              sum(w.get("nthreads", 1) for w in workers if (w.get("resources") or {}).get(GPU)))
            self._capacity_at = now
        return self._capacity

    def grade(self, bundle: CourseBundle, jobs: list[Submitted], make_task: Callable[[Submitted], GradeTask],
              resources: Callable[[Submitted], dict[str, float] | None],
              failure: Callable[[Submitted, BaseException, str], Record]) -> Iterator[tuple[Submitted, Record, bool]]:
        """Grade ``jobs`` on the cluster; yields ``(job, record, cacheable)`` as they finish, each
        job once.

        ``make_task`` reads a job's files (on this side); if it fails, or the task does, the
        job's record is ``failure(job, exc, what)``, never cached. No more tasks are handed
        to the scheduler than there are worker threads (GPU tasks: threads of GPU workers).

        A worker's death is charged only to a task that was running alone (:attr:`Attempt.alone`):
        Dask may still place two tasks on one worker (a worker of several threads, a stale
        count of threads after a death), and the innocent one dies with the culprit. So a task
        that dies with others in flight is a suspect, charged nothing; suspects are tried again
        one at a time with nothing else in flight, where a death can only be the task's own.
        A task whose death was charged :data:`MAX_TRIES` times is a grader failure; every
        other one is graded as usual.
        """
        from distributed import as_completed

        try:
            from distributed import KilledWorker
        except ImportError:  # older distributed
            from distributed.scheduler import KilledWorker

        if not jobs:
            return
        client = self.client
        waiting: dict[bool, deque[Attempt]] = {True: deque(), False: deque()}  # per kind: on a GPU or not
        for job in jobs:
            on_gpu = bool((resources(job) or {}).get(GPU))
            waiting[on_gpu].append(Attempt(job, on_gpu))
        suspects: deque[Attempt] = deque()  # died with other tasks in flight: tried again alone
        in_flight: dict[Any, Attempt] = {}
        self._in_flight = in_flight
        done = as_completed(loop=client.loop)
        ready: list[tuple[Submitted, Record, bool]] = []

        def submit(attempt: Attempt, alone: bool) -> None:
            job = attempt.job
            if self.lost:
                ready.append((job, failure(job, ClusterError(self.lost), self.lost), False))
                return
            if attempt.task is None:
                try:
                    attempt.task = make_task(job)
                except Exception as exc:
                    ready.append((job, failure(job, exc, ""), False))
                    return
            attempt.runs += 1
            attempt.alone = alone
            key = f"deepgrade-{job.index}-{job.key[:24]}" + (f"-try{attempt.runs}" if attempt.runs > 1 else "")
            future = client.submit(grade_task, bundle, attempt.task, key=key, resources=resources(job),
                                   retries=1, pure=False)
            in_flight[future] = attempt
            done.add(future)

        def fill() -> None:
            while suspects and not in_flight:  # a suspect runs alone, the others wait for it
                submit(suspects.popleft(), alone=True)
            if suspects or any(a.alone for a in in_flight.values()):
                return
            # (when no suspect could be handed over: the cluster is lost, or their files unreadable)
            total, gpu = self.capacity()
            for on_gpu in (True, False):
                while waiting[on_gpu] and len(in_flight) < min(WINDOW, max(total, 1)) and (
                        not on_gpu or sum(1 for a in in_flight.values() if a.on_gpu) < max(gpu, 1)):
                    submit(waiting[on_gpu].popleft(), alone=False)

        try:
            fill()
            yield from _drain(ready)
            for future in done:  # futures added while iterating are waited for too
                attempt = in_flight.pop(future)
                job = attempt.job
                try:
                    if future.cancelled():
                        raise ClusterError(self.lost or "its task was cancelled")
                    answer = future.result()
                except KilledWorker as exc:
                    if not attempt.alone:
                        suspects.append(attempt)  # perhaps innocent: charged nothing, tried alone
                    elif attempt.charged + 1 < MAX_TRIES:
                        attempt.charged += 1
                        suspects.appendleft(attempt)
                    else:
                        what = (f"grading it ended {MAX_TRIES} worker processes: killed by the system, "
                                "or out of memory")
                        ready.append((job, replace(failure(job, exc, what), grader_tries=MAX_TRIES), False))
                except ClusterError as exc:
                    ready.append((job, failure(job, exc, str(exc)), False))
                except Exception as exc:
                    ready.append((job, failure(job, exc, ""), False))
                else:
                    record = Record.from_json(answer["record"])
                    ready.append((job, record, bool(answer["cache"]) and record.key == job.key))
                future.release()
                fill()
                yield from _drain(ready)
        finally:
            # Also reached when the grader was stopped (Ctrl-C, SIGTERM) while the caller held a
            # record: the generator is closed after close() ended the client, whose futures are
            # gone with it.
            if client.status not in ("closing", "closed") and in_flight:
                client.cancel(list(in_flight))


def _drain(ready: list[tuple[Submitted, Record, bool]]) -> Iterator[tuple[Submitted, Record, bool]]:
    while ready:
        yield ready.pop(0)


def slurm_cluster(config: ClusterConfig) -> Any:
    """dask-jobqueue's ``SLURMCluster`` for ``config`` (its scheduler runs in this process;
    ``job_script()`` renders a job without Slurm installed)."""
    try:
        SLURMCluster = slurm_cluster_class()
    except ImportError:
        raise ClusterSpecError("--cluster slurm needs dask-jobqueue: pip install \"deepgrade[cluster]\"") from None
    return SLURMCluster(**slurm_options(config))


def make_task(job: Submitted, *, reject: tuple[str, ...], hidden: bool, limits: SandboxLimits, backend: str,
              show_data: bool, grader: str, hide: tuple[str, ...] = (), prewarm: bool = True) -> GradeTask:
    """What travels to a worker for ``job``: its files' bytes (exactly ``submission_files``)."""
    found = job.found
    files = submission_files(found.path, found.own_folder, reject)
    return GradeTask(student=found.student, exercise=found.exercise, label=str(found.path), key=job.key,
                     max_score=job.max_score, notes=tuple(found.notes), own_folder=found.own_folder,
                     files=tuple((p.relative_to(files.root).as_posix(), p.read_bytes()) for p in files.files),
                     left_out=files.left_out, rejected=files.rejected, hidden=hidden, limits=limits,
                     backend=backend, show_data=show_data, grader=grader, hide=hide, prewarm=prewarm)
