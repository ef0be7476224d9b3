"""``--cluster slurm``: what the grader does around dask-jobqueue's ``SLURMCluster``.

dask-jobqueue writes the job script, submits it with ``sbatch`` and cancels it
with ``scancel``; on its own it says nothing when Slurm refuses a job, when a
job ends before its worker joins, or when it stays in the queue. Invariants:

* Before any job exists, the job script is handed to ``sbatch --test-only``: a
  script Slurm refuses (an unknown partition, more memory than a node has) is a
  :class:`SlurmError` with sbatch's own reason on one line, and no job is left.
* The jobs are watched, never waited on without end: a job that ends before its
  worker joins (its sandbox check failed, its Python is missing) is a
  :class:`SlurmError` naming the job, its state and the last line it wrote; one
  still in the queue after ``start_timeout`` is one naming Slurm's reason. Once
  grading runs, :class:`JobWatch` calls back when no job is left, so what is in
  flight and what waits become grader failures instead of a wait for workers
  that will not come.
* Every job this run submitted is cancelled when the run ends: at the end, on an
  error, on SIGINT and on SIGTERM (:func:`exit_on_sigterm` turns SIGTERM into an
  exit that runs the clean-up).
* State and output come from ``scontrol`` and the job's own files: decisions
  are fields (:class:`JobState`), never parsed from dask-jobqueue's messages.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .worker_watch import Watch

#: Slurm's job states in which a job may still start or run a worker.
ACTIVE = frozenset({"PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED", "REQUEUED",
                    "REQUEUE_HOLD", "REQUEUE_FED", "RESIZING", "SIGNALING", "STAGE_OUT", "RESV_DEL_HOLD"})
#: Seconds between two looks at the jobs while waiting for the first worker, and while grading
#: (one ``squeue`` for all of them: a big class's run does not load slurmctld); the cluster
#: config's ``job_poll`` sets the second.
POLL = 2.0
WATCH_POLL = 10.0
#: Seconds a submission may take before the missing job ids are an error.
SUBMIT_TIMEOUT = 60.0


class SlurmError(RuntimeError):
    """Slurm refused the workers' job, or the jobs ended or stayed queued; the message says which
    job, why, and what to change."""


@dataclass(frozen=True)
class JobState:
    """One job as ``scontrol show job`` reports it."""

    job_id: str
    state: str  # PENDING, RUNNING, FAILED, ... ; GONE when Slurm no longer knows the job
    reason: str = ""  # why it waits or ended ("Resources", "NonZeroExitCode"); "" for None
    exit_code: str = ""
    stdout: str = ""
    stderr: str = ""

    @property
    def active(self) -> bool:
        return self.state in ACTIVE

    def last_line(self) -> str:
        """The last line the job wrote (its error output first), "" when none can be read."""
        for name in dict.fromkeys((self.stderr, self.stdout)):
            if not name:
                continue
            try:
                lines = [line.strip() for line in Path(name).read_text(errors="replace").splitlines()]
            except OSError:
                continue
            lines = [line for line in lines if line]
            if lines:
                return lines[-1][-300:]
        return ""

    def describe(self) -> str:
        why = f", {self.reason}" if self.reason else ""
        code = f", exit code {self.exit_code}" if self.exit_code and self.exit_code != "0:0" else ""
        said = self.last_line()
        return f"Slurm job {self.job_id} is {self.state}{why}{code}" + (f": {said!r}" if said else "") + (
            f" (its output: {self.stderr})" if self.stderr else "")


def _field(text: str, name: str) -> str:
    match = re.search(rf"(?:^|\s){name}=(\S*)", text)
    value = match.group(1) if match else ""
    return "" if value in ("None", "(null)") else value


def job_state(job_id: str, env: dict[str, str] | None = None) -> JobState:
    """``scontrol show job -o JOB_ID`` as a :class:`JobState`."""
    try:
        done = subprocess.run(["scontrol", "show", "job", "-o", job_id], capture_output=True, text=True,
                              timeout=30, env=env)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return JobState(job_id, "UNKNOWN", reason=f"scontrol: {exc}")
    if done.returncode != 0 or "JobState=" not in done.stdout:
        return JobState(job_id, "GONE", reason=done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "")
    text = done.stdout
    name = _field(text, "JobName")
    return JobState(job_id, _field(text, "JobState"), reason=_field(text, "Reason"),
                    exit_code=_field(text, "ExitCode"), stdout=_output_path(_field(text, "StdOut"), job_id, name),
                    stderr=_output_path(_field(text, "StdErr"), job_id, name))


def _output_path(pattern: str, job_id: str, name: str) -> str:
    """A job's output file: scontrol may show sbatch's pattern (``%J``, ``%j``, ``%x``) unexpanded."""
    values = {"J": job_id, "j": job_id, "x": name, "%": "%"}
    return re.sub(r"%([Jjx%])", lambda m: values[m.group(1)], pattern)


def job_states(job_ids: list[str], env: dict[str, str] | None = None) -> list[JobState]:
    """Every job's state from one ``squeue``; the ended or unknown ones in full from
    ``scontrol`` (their output files say why they ended)."""
    if not job_ids:
        return []
    seen: dict[str, JobState] = {}
    try:
        done = subprocess.run(["squeue", "--noheader", "--states=all", f"--jobs={','.join(job_ids)}",
                               "--format=%i|%T|%r"], capture_output=True, text=True, timeout=30, env=env)
        for line in done.stdout.splitlines():
            parts = line.strip().split("|")
            if len(parts) == 3 and parts[0] in job_ids:
                seen[parts[0]] = JobState(parts[0], parts[1], reason="" if parts[2] == "None" else parts[2])
    except (OSError, subprocess.TimeoutExpired):
        pass
    return [seen[j] if j in seen and seen[j].active else job_state(j, env) for j in job_ids]


def check_job_script(script: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> None:
    """Ask Slurm whether it would take ``script`` (``sbatch --test-only``); a refusal is a
    :class:`SlurmError` with sbatch's reason on one line."""
    with tempfile.TemporaryDirectory(prefix="deepgrade-sbatch-") as folder:
        path = Path(folder) / "deepgrade-worker.sh"
        path.write_text(script, encoding="utf-8")
        try:
            done = subprocess.run(["sbatch", "--test-only", str(path)], capture_output=True, text=True,
                                  timeout=60, cwd=cwd, env=env)
        except subprocess.TimeoutExpired:
            raise SlurmError("Slurm did not answer `sbatch --test-only` in 60 s: is slurmctld reachable "
                             "from here (`sinfo`)?") from None
        except OSError as exc:
            raise SlurmError(f"cannot run sbatch: {exc}") from None
    if done.returncode != 0:
        lines = [line.strip() for line in (done.stderr + done.stdout).splitlines() if line.strip()]
        reason = re.sub(r"^sbatch:\s*(error:\s*)?", "", lines[-1] if lines else f"exit code {done.returncode}")
        raise SlurmError(f"Slurm refuses the workers' job: {reason} (change queue, account, memory, cores, "
                         "walltime or job_extra_directives in the cluster config; "
                         "docs/grading-a-class.md shows how to see the job script)")


class SlurmJobs:
    """The jobs a ``SLURMCluster`` submitted: their ids as they appear, their states, and
    their cancellation."""

    def __init__(self, cluster: Any, env: dict[str, str] | None = None):
        self.cluster, self.env = cluster, env
        self.known: list[str] = []
        self.started = time.monotonic()

    def ids(self) -> list[str]:
        """Every job id submitted so far (dask-jobqueue learns each from sbatch's answer)."""
        for job in list(getattr(self.cluster, "workers", {}).values()):
            job_id = getattr(job, "job_id", None)
            if job_id and str(job_id) not in self.known:
                self.known.append(str(job_id))
        return list(self.known)

    def states(self) -> list[JobState]:
        return job_states(self.ids(), self.env)

    def problem(self, timeout: float) -> str:
        """Why no worker can be expected any more ("" while one may still come): every job
        ended, none submitted in :data:`SUBMIT_TIMEOUT` s, or still queued after ``timeout`` s."""
        waited = time.monotonic() - self.started
        states = self.states()
        if not states:
            if waited > SUBMIT_TIMEOUT:
                return (f"no Slurm job was submitted in {SUBMIT_TIMEOUT:g} s (sbatch failed or did not answer: "
                        "run `sbatch --test-only` on the job script, docs/grading-a-class.md)")
            return ""
        if not any(s.active for s in states):
            return "every worker job ended before its worker joined: " + "; ".join(s.describe() for s in states)
        if waited > timeout:
            return (f"no worker joined in {timeout:g} s: " + "; ".join(s.describe() for s in states) +
                    " (a job still PENDING waits for what its reason says; raise start_timeout, or ask for less)")
        return ""

    def cancel(self) -> list[str]:
        """``scancel`` every job still active; the ids cancelled."""
        active = [s.job_id for s in self.states() if s.active]
        if active:
            try:
                subprocess.run(["scancel", *active], capture_output=True, timeout=60, env=self.env)
            except (OSError, subprocess.TimeoutExpired):
                pass
        return active


def wait_for_first_worker(client: Any, jobs: SlurmJobs, timeout: float) -> None:
    """Until a worker joins; a :class:`SlurmError` as soon as :meth:`SlurmJobs.problem` says
    none can come."""
    while True:
        try:
            client.wait_for_workers(1, timeout=POLL)
            return
        except TimeoutError:
            pass
        problem = jobs.problem(timeout)
        if problem:
            raise SlurmError(problem)


class JobWatch(Watch):
    """While grading: lost when no job is active any more (a walltime reached, a job cancelled
    or failed), so the grader stops waiting for workers that will not come."""

    name = "deepgrade-slurm-watch"

    def __init__(self, jobs: SlurmJobs, lost: Callable[[str], None], poll: float = WATCH_POLL):
        super().__init__(lost, poll)
        self.jobs = jobs

    def check(self) -> str:
        states = self.jobs.states()
        if states and not any(s.active for s in states):
            return ("every Slurm job of the run ended while grading: " +
                    "; ".join(s.describe() for s in states) + " (raise walltime, or look at the job's output)")
        return ""


def exit_on_sigterm() -> Callable[[], None]:
    """From now on SIGTERM exits (``SystemExit(143)``) through every ``finally``, so the jobs
    are cancelled as on Ctrl-C; returns what puts the previous handler back. Only the main
    thread can set a handler: elsewhere nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def exit_on_term(signum: int, frame: object) -> None:
        sys.exit(128 + signum)

    before = signal.signal(signal.SIGTERM, exit_on_term)

    def restore() -> None:
        signal.signal(signal.SIGTERM, before)

    return restore


def slurm_cluster_class() -> Any:
    """dask-jobqueue's ``SLURMCluster``, imported without its side effect: importing
    ``dask_jobqueue`` makes SIGINT a silent ``sys.exit()`` (exit 0, no message); Ctrl-C stays
    Python's ``KeyboardInterrupt`` here."""
    main = threading.current_thread() is threading.main_thread()
    before = signal.getsignal(signal.SIGINT) if main else None
    from dask_jobqueue import SLURMCluster

    if main and before is not None:
        signal.signal(signal.SIGINT, before)
    return SLURMCluster
