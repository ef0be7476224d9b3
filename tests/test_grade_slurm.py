"""`deepgrade grade --cluster slurm` on a real Slurm: one node on loopback (tests/slurm_node.py).

A small class graded in Slurm jobs through dask-jobqueue gives the local
runner's verdicts; a job script Slurm refuses is one line before any job
exists; a job that dies before its worker, one that stays pending and one lost
while grading are each reported in bounded time, never waited on forever;
SIGINT and SIGTERM cancel the jobs, and a grader killed with SIGKILL leaves no
job behind; the jobs write where log_directory says; grading stopped after the
cluster closed ends without a traceback.
Without root or the Slurm binaries these tests skip and say why (CI has both).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from slurm_node import SlurmNode, why_not
from test_grade_cluster import ROOT, _finish, _grade, _make_class, _verdicts, _wait_for_cache

from autograder.batch.cluster_slurm import JobState, SlurmError, check_job_script, job_state, job_states
from autograder.report.text import plural

#: Two NumPy exercises of the example class: every kind of verdict (right, wrong, not attempted)
#: in a minute on a loaded 2-core machine (the Dask path of all five is tested on a LocalCluster).
SLURM_EXERCISES = ["ex01_sigmoid", "ex04_nll"]


@pytest.fixture(scope="module")
def slurm(tmp_path_factory):
    """The node, and SLURM_CONF naming it for every grader this module starts."""
    pytest.importorskip("dask_jobqueue")
    reason = why_not()
    if reason:
        pytest.skip(reason)
    node = SlurmNode(tmp_path_factory.mktemp("slurm-node"))
    with pytest.MonkeyPatch.context() as patch:
        try:
            node.start()
            patch.setenv("SLURM_CONF", str(node.conf))
            yield node
        finally:
            node.stop()


def _config(folder: Path, **keys: object) -> Path:
    """A cluster config for the node: one job of 2 single-threaded workers, this Python, loopback,
    the jobs' output in ``folder`` (Slurm's default is the folder the grader runs in: the clone)."""
    values: dict[str, object] = {"jobs": 1, "cores": 2, "memory": "2GB", "walltime": "00:10:00",
                                 "python": sys.executable, "host": "127.0.0.1", "start_timeout": 120,
                                 "log_directory": str(folder / "job-logs")}
    values.update(keys)
    lines = [f"{k} = {json.dumps(v)}" for k, v in values.items()]
    path = folder / "slurm.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def _new_jobs(node: SlurmNode, before: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [job for job in node.jobs() if job[0] not in {j for j, _ in before}]


def _job_processes(node: SlurmNode) -> list[tuple[int, str]]:
    """Processes that some job of ``node`` started (they carry its SLURM_CONF and a SLURM_JOB_ID)."""
    mine = f"SLURM_CONF={node.conf}".encode()
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            environ = (proc / "environ").read_bytes().split(b"\0")
            cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if mine in environ and any(v.startswith(b"SLURM_JOB_ID=") for v in environ):
            found.append((int(proc.name), cmd))
    return found


def _wait_for_no_job_processes(node: SlurmNode, timeout: float = 60) -> list[tuple[int, str]]:
    deadline = time.monotonic() + timeout
    while _job_processes(node) and time.monotonic() < deadline:
        time.sleep(0.5)
    return _job_processes(node)


# -- the class, graded in Slurm jobs ------------------------------------------------------
def test_slurm_grades_a_class_like_the_local_runner(slurm, tmp_path):
    exercises = [arg for name in SLURM_EXERCISES for arg in ("--exercise", name)]
    logs = tmp_path / "logs-here"
    config = _config(tmp_path, log_directory=str(logs))
    before = slurm.jobs()
    stdout, stderr = _finish(_grade(ROOT / "examples" / "class", tmp_path / "slurm", "--cluster", "slurm",
                                    "--cluster-config", str(config), *exercises))
    local = _grade(ROOT / "examples" / "class", tmp_path / "local", "--workers", "2", *exercises)
    _finish(local)
    expected = _verdicts(tmp_path / "local")
    assert len(expected) == 3 * len(SLURM_EXERCISES)
    assert _verdicts(tmp_path / "slurm") == expected
    # the first worker starts grading; the job's second one joins as it comes
    assert re.search(r"cluster slurm: [12] worker\(s\) on 1 host\(s\), 0 with a GPU; sandbox: ", stderr), stderr
    assert stderr.count("deepgrade: Dask dashboard at http://127.0.0.1:") == 1, stderr
    graded = len([v for v in expected.values() if v["checks"][0]["name"] != "submission"])
    assert f"{graded} graded, 0 from the cache" in stdout

    (job,) = _new_jobs(slurm, before)  # one job, as configured, cancelled at the end
    assert f"deepgrade: Slurm job(s) {job[0]} of this run cancelled" in stderr
    assert slurm.wait_for_no_jobs() == []
    assert _wait_for_no_job_processes(slurm) == []
    # log_directory: the job's output is there, named by its id, and the worker wrote to it
    assert sorted(p.name for p in logs.iterdir()) == [f"deepgrade-{job[0]}.err", f"deepgrade-{job[0]}.out"]
    assert "distributed.worker" in (logs / f"deepgrade-{job[0]}.err").read_text()


# -- refused, dead, pending, lost: reported, not waited on --------------------------------
@pytest.mark.parametrize("keys, says", [
    ({"queue": "no-such-partition"}, "Invalid partition name specified"),
    ({"memory": "900TB"}, "Requested node configuration is not available"),
])
def test_a_job_script_slurm_refuses_is_one_line_before_any_job(slurm, tmp_path, keys, says):
    klass = tmp_path / "class"
    _make_class(klass, 2)
    before = slurm.jobs()
    started = time.monotonic()
    proc = _grade(klass, tmp_path / "out", "--cluster", "slurm", "--cluster-config", str(_config(tmp_path, **keys)),
                  "--public-only")
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 3, stderr
    assert time.monotonic() - started < 60
    (line,) = [line for line in stderr.splitlines() if line.startswith("deepgrade: error:")]
    assert line.startswith("deepgrade: error: Slurm refuses the workers' job: ") and says in line, line
    assert "Traceback" not in stderr
    assert _new_jobs(slurm, before) == [], "nothing was submitted"
    assert not (tmp_path / "out" / "results.json").exists()


def test_a_job_that_ends_before_its_worker_is_reported(slurm, tmp_path):
    klass = tmp_path / "class"
    _make_class(klass, 2)
    # a node without bubblewrap (here: a PATH that finds none): the job's sandbox check stops it
    config = _config(tmp_path, sandbox="bwrap", prologue=["export PATH=/var/empty"],
                     log_directory=str(tmp_path / "logs"))
    before = slurm.jobs()
    started = time.monotonic()
    proc = _grade(klass, tmp_path / "out", "--cluster", "slurm", "--cluster-config", str(config), "--public-only")
    _, stderr = proc.communicate(timeout=180)
    assert proc.returncode == 3, stderr
    assert time.monotonic() - started < 90, "reported when the job ended, not after start_timeout"
    (job,) = _new_jobs(slurm, before)
    (line,) = [line for line in stderr.splitlines() if line.startswith("deepgrade: error:")]
    assert f"every worker job ended before its worker joined: Slurm job {job[0]} is FAILED" in line
    assert "deepgrade: no usable sandbox on " in line and "this job starts no worker" in line
    assert str(tmp_path / "logs" / f"deepgrade-{job[0]}.err") in line
    assert "Traceback" not in stderr


def test_a_job_that_stays_pending_is_reported_and_cancelled(slurm, tmp_path):
    klass = tmp_path / "class"
    _make_class(klass, 2)
    blocker = slurm.run("sbatch", "--parsable", "--cpus-per-task=2", "--wrap", "sleep 600", "-o", "/dev/null")
    assert blocker.returncode == 0, blocker.stderr
    blocker_id = blocker.stdout.strip().split(";")[0]
    try:
        before = slurm.jobs()
        started = time.monotonic()
        proc = _grade(klass, tmp_path / "out", "--cluster", "slurm", "--public-only",
                      "--cluster-config", str(_config(tmp_path, start_timeout=3)))
        _, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 3, stderr
        assert time.monotonic() - started < 60
        (job,) = _new_jobs(slurm, before)
        (line,) = [line for line in stderr.splitlines() if line.startswith("deepgrade: error:")]
        assert f"no worker joined in 3 s: Slurm job {job[0]} is PENDING, Resources" in line
        assert "raise start_timeout" in line
        assert job_state(job[0]).state == "CANCELLED", "the pending job does not outlive the run"
    finally:
        slurm.run("scancel", blocker_id)
    assert slurm.wait_for_no_jobs() == []


def test_a_job_lost_while_grading_ends_the_run_with_grader_errors(slurm, tmp_path):
    klass, out = tmp_path / "class", tmp_path / "out"
    _make_class(klass, 12)
    before = slurm.jobs()
    # the jobs looked at every second (job_poll), not every 10: the run stops a second after its job
    # ended; a job of one worker process (its start is what these tests wait for) is as lost as one of two
    config = _config(tmp_path, job_poll=1, cores=1)
    proc = _grade(klass, out, "--cluster", "slurm", "--cluster-config", str(config), "--public-only")
    _wait_for_cache(out, 2, proc, timeout=180)
    (job,) = _new_jobs(slurm, before)
    slurm.run("scancel", job[0])  # the job dies under the grader (as at its walltime)
    started = time.monotonic()
    stdout, stderr = proc.communicate(timeout=120)
    assert time.monotonic() - started < 60
    assert proc.returncode == 1, stderr
    verdicts = _verdicts(out)
    assert sorted(verdicts) == [(f"s{i:02d}", "ex01_sigmoid") for i in range(12)], "each student once"
    failed = "the grader failed on this submission"  # results.json keeps the message, not the traceback
    lost = {k: v for k, v in verdicts.items() if v["checks"][0]["message"].startswith(failed)}
    kept = {k: v for k, v in verdicts.items() if k not in lost}
    assert lost and len(kept) >= 2, stderr
    for (student, _), verdict in kept.items():
        assert verdict["score"] == (6.0 if int(student[1:]) % 2 == 0 else 4.0)
    for verdict in lost.values():
        (check,) = verdict["checks"]
        assert check["status"] == "error"
        assert "every Slurm job of the run ended while grading" in check["message"]
        assert f"Slurm job {job[0]} is CANCELLED" in check["message"]
    assert len(list((out / "cache").glob("*.json"))) == len(kept), "grader failures are not cached"
    assert f"the grader itself failed on {plural(len(lost), 'submission')}" in stderr
    assert _wait_for_no_job_processes(slurm) == []


@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_sigint_and_sigterm_cancel_the_jobs(slurm, tmp_path, sig, code):
    klass, out = tmp_path / "class", tmp_path / "out"
    _make_class(klass, 12)
    before = slurm.jobs()
    proc = _grade(klass, out, "--cluster", "slurm", "--cluster-config", str(_config(tmp_path, cores=1)),
                  "--public-only")
    _wait_for_cache(out, 1, proc, timeout=180)
    (job,) = _new_jobs(slurm, before)
    assert job[1] == "RUNNING"
    os.kill(proc.pid, sig)
    try:
        _, stderr = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise
    assert proc.returncode == code, stderr
    assert f"deepgrade: Slurm job(s) {job[0]} of this run cancelled" in stderr
    assert job_state(job[0]).state in ("CANCELLED", "COMPLETING")
    assert slurm.wait_for_no_jobs(timeout=30) == []
    assert _wait_for_no_job_processes(slurm) == [], "the job's workers and sandboxes ended with it"
    assert "Traceback" not in stderr
    assert not (out / "results.json").exists()


# -- what needs no Slurm ------------------------------------------------------------------
def test_a_refusal_is_sbatchs_reason_on_one_line(tmp_path, monkeypatch):
    fake = tmp_path / "bin" / "sbatch"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\n[ \"$1\" = --test-only ] || exit 9\n"
                    "echo 'sbatch: error: Batch job submission failed: Invalid account or account/partition "
                    "combination specified' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}:{os.environ['PATH']}")
    with pytest.raises(SlurmError) as err:
        check_job_script("#!/bin/sh\n#SBATCH -A nobody\n")
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith("Slurm refuses the workers' job: Batch job submission failed: Invalid account or "
                              "account/partition combination specified (change queue, account")


def test_a_job_state_is_read_from_its_fields(tmp_path, monkeypatch):
    err = tmp_path / "deepgrade-7.err"
    err.write_text("starting\ndeepgrade: no usable sandbox on node3: this job starts no worker\n\n")
    fake = tmp_path / "bin" / "scontrol"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\nif [ \"$4\" = 7 ]; then echo 'JobId=7 JobName=deepgrade UserId=t(1) "
                    "JobState=FAILED Reason=NonZeroExitCode Dependency=(null) ExitCode=1:0 "
                    f"StdErr={err} StdIn=/dev/null StdOut={tmp_path}/deepgrade-7.out'; exit 0; fi\n"
                    "echo 'slurm_load_jobs error: Invalid job id specified' >&2; exit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}:{os.environ['PATH']}")
    state = job_state("7")
    assert state == JobState("7", "FAILED", reason="NonZeroExitCode", exit_code="1:0",
                             stdout=f"{tmp_path}/deepgrade-7.out", stderr=str(err))
    assert not state.active
    assert state.describe() == ("Slurm job 7 is FAILED, NonZeroExitCode, exit code 1:0: 'deepgrade: no usable "
                                f"sandbox on node3: this job starts no worker' (its output: {err})")
    gone = job_state("8")
    assert gone.state == "GONE" and not gone.active and "Invalid job id" in gone.reason
    # many jobs: one squeue; scontrol only for those that ended (their output says why)
    squeue = fake.parent / "squeue"
    squeue.write_text("#!/bin/sh\necho ' 7|FAILED|NonZeroExitCode'; echo ' 9|RUNNING|None'; "
                      "echo ' 10|PENDING|Resources'\n")
    squeue.chmod(0o755)
    assert job_states(["9", "7", "10", "8"]) == [JobState("9", "RUNNING"), state,
                                                 JobState("10", "PENDING", reason="Resources"), gone]


def test_a_grader_killed_with_sigkill_leaves_no_job_behind(slurm, tmp_path):
    klass, out = tmp_path / "class", tmp_path / "out"
    _make_class(klass, 12)
    before = slurm.jobs()
    proc = _grade(klass, out, "--cluster", "slurm", "--cluster-config", str(_config(tmp_path, cores=1)),
                  "--public-only")
    _wait_for_cache(out, 1, proc, timeout=180)
    (job,) = _new_jobs(slurm, before)
    os.kill(proc.pid, signal.SIGKILL)  # nothing of the grader runs: its workers lose their scheduler
    proc.communicate()
    assert slurm.wait_for_no_jobs(timeout=90) == [], "the job ends when its workers lose the scheduler"
    assert job_state(job[0]).state in ("COMPLETED", "FAILED")
    assert _wait_for_no_job_processes(slurm) == []


def test_grading_stopped_after_the_cluster_closed_ends_quietly():
    """Ctrl-C or SIGTERM while the runner holds a record: the cluster is closed first, then
    the grading generator; closing it must not raise (a traceback after "interrupted")."""
    pytest.importorskip("distributed")
    from test_grade_cluster import crash_or_answer

    from autograder.batch import cluster
    from autograder.batch.bundle import CourseBundle
    from autograder.batch.cluster_spec import ClusterConfig, ClusterSpec
    from autograder.batch.discover import Found
    from autograder.batch.grading import grader_failure

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cluster, "grade_task", crash_or_answer)
        jobs = [cluster.Submitted(i, Found(student=n, exercise="ex01_sigmoid", path=Path(f"/class/{n}.py")),
                                  f"k-{n}", 6.0) for i, n in enumerate("abcdef")]
        run = cluster.ClusterGrading(ClusterSpec("local", 2), ClusterConfig(), log=lambda _: None).open()
        graded = run.grade(CourseBundle("0" * 64, b""), jobs, lambda job: job.found.student,
                           resources=lambda job: None,
                           failure=lambda job, exc, what: grader_failure(job.found, job.max_score, exc, what))
        try:
            first, record, _ = next(graded)
            assert record.key == f"k-{first.found.student}"
        finally:
            run.close()
        graded.close()  # raised "IOLoop is closed" before
