"""`deepgrade grade --cluster`: the class graded on Dask, loopback only.

A LocalCluster of 2 worker processes gives the same results.json as the local
runner; a worker SIGKILLed mid-batch and a grader SIGKILLed mid-batch (then
rerun) each end with every result present exactly once; Slurm's job script and
Kubernetes' DaskCluster are rendered without either installed; a bad SPEC or
config is a usage error that says how to fix it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder.batch.cluster_deploy import MAX_TRIES, kubernetes_spec
from autograder.batch.cluster_spec import ClusterSpec, ClusterSpecError, config_from_dict, load_config, parse_spec
from autograder.cli import main
from autograder.report.text import plural

ROOT = Path(__file__).resolve().parents[1]
GOOD = (ROOT / "tests" / "hostile" / "_good.py").read_text()
#: A submission that takes a moment (4 sigmoid calls of 0.1 s, plus its process's start): a kill
#: after the first few results lands mid-batch.
SLOW = GOOD.replace("def sigmoid(z):\n", "def sigmoid(z):\n    import time; time.sleep(0.1)\n")
NUMPY_EXERCISES = ["ex01_sigmoid", "ex02_forward_pass", "ex03_decision_boundary", "ex04_nll", "ex08_perceptron"]



# -- SPEC and config: usage errors, no Dask needed ----------------------------------------
@pytest.mark.parametrize("text, kind, workers, address", [
    ("local", "local", None, ""), ("local:3", "local", 3, ""), ("LOCAL:1", "local", 1, ""),
    ("tcp://127.0.0.1:8786", "tcp", None, "tcp://127.0.0.1:8786"),
    ("tcp://sched.example.org:8786", "tcp", None, "tcp://sched.example.org:8786"),
    ("slurm", "slurm", None, ""), ("kubernetes", "kubernetes", None, ""),
])
def test_specs(text, kind, workers, address):
    assert parse_spec(text) == ClusterSpec(kind, workers, address)


@pytest.mark.parametrize("text, says", [
    ("locl:2", "use one of local, local:N, tcp://HOST:PORT, slurm, kubernetes"),
    ("local:0", "a whole number from 1 (e.g. --cluster local:4)"),
    ("local:two", "a whole number from 1"),
    ("tcp://10.0.0.5", "tcp://HOST:PORT, e.g. tcp://10.0.0.5:8786"),
    ("tcp://10.0.0.5:99999", "tcp://HOST:PORT"),
    ("http://10.0.0.5:8786", "tcp://HOST:PORT"),
])
def test_a_bad_spec_is_a_usage_error_that_says_how_to_fix_it(tmp_path, capsys, text, says):
    with pytest.raises(ClusterSpecError) as err:
        parse_spec(text)
    assert says in str(err.value)
    (tmp_path / "class").mkdir()
    code = main(["grade", str(tmp_path / "class"), "--out", str(tmp_path / "out"), "--cluster", text,
                 "--course", str(ROOT)])
    assert code == 2
    assert says in capsys.readouterr().err
    assert not (tmp_path / "out").exists(), "nothing is written before the SPEC is understood"


def test_a_bad_config_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(ClusterSpecError, match="unknown key 'gpu' .*gpus"):
        config_from_dict({"gpu": 1})
    with pytest.raises(ClusterSpecError, match="cores is a whole number from 1"):
        config_from_dict({"cores": 0})
    with pytest.raises(ClusterSpecError, match="env is a table"):
        config_from_dict({"env": ["DEEPGRADE_OFFLINE=1"]})
    with pytest.raises(ClusterSpecError, match="sandbox is one of"):
        config_from_dict({"sandbox": "docker"})
    bad = tmp_path / "cluster.toml"
    bad.write_text("cores = 'eight'\n")
    (tmp_path / "class").mkdir()
    code = main(["grade", str(tmp_path / "class"), "--out", str(tmp_path / "out"), "--cluster", "slurm",
                 "--cluster-config", str(bad), "--course", str(ROOT)])
    assert code == 2
    assert "cores is a whole number" in capsys.readouterr().err
    code = main(["grade", str(tmp_path / "class"), "--out", str(tmp_path / "out"),
                 "--cluster-config", str(bad), "--course", str(ROOT)])
    assert code == 2
    assert "give --cluster too" in capsys.readouterr().err


SLURM_TOML = """
jobs = 4
cores = 8
memory = "32GB"
walltime = "02:00:00"
gpus = 1
python = "/home/teacher/deepgrade/.venv/bin/python"
prologue = ["module load python/3.11"]
env = { DEEPGRADE_OFFLINE = "1", DEEPGRADE_DATA = "/scratch/teacher/data" }
sandbox = "bwrap"
queue = "gpu"
account = "dl-course"
job_extra_directives = ["--constraint=avx2"]
host = "127.0.0.1"
"""


def test_slurm_job_script_has_the_environment_and_the_sandbox_check(tmp_path):
    pytest.importorskip("dask_jobqueue")
    from autograder.batch.cluster import slurm_cluster

    path = tmp_path / "slurm.toml"
    path.write_text(SLURM_TOML)
    cluster = slurm_cluster(load_config(path))  # its scheduler on loopback; no Slurm needed to render
    try:
        script = cluster.job_script()
    finally:
        cluster.close()
    lines = script.splitlines()
    assert lines[0].startswith("#!")
    for directive in ("#SBATCH -J deepgrade", "#SBATCH -p gpu", "#SBATCH -A dl-course", "#SBATCH -n 1",
                      "#SBATCH --cpus-per-task=8", "#SBATCH -t 02:00:00", "#SBATCH --constraint=avx2",
                      "#SBATCH --gres=gpu:1"):
        assert directive in lines, (directive, script)
    environment = ["export DEEPGRADE_OFFLINE=1", "export DEEPGRADE_DATA=/scratch/teacher/data",
                   "module load python/3.11"]
    check = next(i for i, line in enumerate(lines) if "-m autograder.isolate --require bwrap" in line)
    worker = next(i for i, line in enumerate(lines) if "distributed.cli.dask_worker" in line)
    assert all(lines.index(line) < check for line in environment), script
    assert check < worker, "the sandbox is checked before the worker starts"
    assert lines[check].startswith("/home/teacher/deepgrade/.venv/bin/python -m autograder.isolate")
    assert "exit 1" in lines[check]
    command = lines[worker]
    assert command.startswith("/home/teacher/deepgrade/.venv/bin/python -m distributed.cli.dask_worker tcp://127.0.0.1:")
    for part in ("--nthreads 1", "--nworkers 8", "--resources GPU=1"):
        assert part in command, command


def test_the_sandbox_check_a_job_runs():
    ok = subprocess.run([sys.executable, "-m", "autograder.isolate", "--require", "rlimits"],
                        capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0 and "sandbox: rlimits" in ok.stdout
    best = subprocess.run([sys.executable, "-m", "autograder.isolate"], capture_output=True, text=True,
                          timeout=60)
    assert best.returncode == 0 and best.stdout.startswith("deepgrade: sandbox: ")


def test_kubernetes_spec_is_a_dask_cluster_resource():
    config = config_from_dict({"jobs": 3, "cores": 4, "memory": "16GiB", "gpus": 1, "image": "registry/dg:1",
                               "python": "python3", "env": {"DEEPGRADE_OFFLINE": "1"}, "namespace": "grading"})
    spec = kubernetes_spec(config)
    assert spec["apiVersion"] == "kubernetes.dask.org/v1" and spec["kind"] == "DaskCluster"
    assert spec["metadata"] == {"name": "deepgrade", "namespace": "grading"}
    worker = spec["spec"]["worker"]
    assert worker["replicas"] == 3
    (container,) = worker["spec"]["containers"]
    assert container["image"] == "registry/dg:1"
    assert container["resources"]["limits"] == {"cpu": "4", "memory": "16Gi", "nvidia.com/gpu": "1"}
    assert {"name": "DEEPGRADE_OFFLINE", "value": "1"} in container["env"]
    command = container["args"][0]
    assert command.index("-m autograder.isolate --require auto") < command.index("distributed.cli.dask_worker")
    for part in ("--nworkers 4", "--nthreads 1", "--resources GPU=1"):
        assert part in command
    assert container["securityContext"]["capabilities"]["add"] == ["SYS_ADMIN"]  # bwrap's namespaces
    (scheduler,) = spec["spec"]["scheduler"]["spec"]["containers"]
    assert {"name": "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES", "value": "0"} in scheduler["env"]
    assert spec["spec"]["scheduler"]["service"]["ports"][0]["port"] == 8786
    with pytest.raises(ClusterSpecError, match="needs image"):
        kubernetes_spec(config_from_dict({}))
    try:  # when Dask's operator client is installed, it accepts the spec as is
        from dask_kubernetes.operator import make_cluster_spec
    except ImportError:
        return
    reference = make_cluster_spec(name="deepgrade", image="registry/dg:1", n_workers=3)
    assert set(reference["spec"]) == set(spec["spec"])
    for part in ("worker", "scheduler"):
        assert set(reference["spec"][part]) == set(spec["spec"][part])
    assert reference["spec"]["scheduler"]["service"] == spec["spec"]["scheduler"]["service"]
    ours = spec["spec"]["scheduler"]["spec"]["containers"][0]
    theirs = reference["spec"]["scheduler"]["spec"]["containers"][0]
    assert ours["ports"] == theirs["ports"] and ours["readinessProbe"] == theirs["readinessProbe"]
    assert container["ports"] == reference["spec"]["worker"]["spec"]["containers"][0]["ports"]


# -- grading on a LocalCluster -----------------------------------------------------------
def _grade(klass: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "autograder.cli", "grade", str(klass), "--out", str(out),
                             "--course", str(ROOT), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            start_new_session=True)


def _finish(proc: subprocess.Popen, timeout: float = 600) -> tuple[str, str]:
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise
    assert proc.returncode == 0, stderr[-3000:]
    return stdout, stderr


def _verdicts(out: Path) -> dict[tuple[str, str], dict]:
    """What must not depend on where a submission was graded: scores, statuses, hints, messages."""
    records = json.loads((out / "results.json").read_text())["submissions"]
    pairs = [(r["student"], r["exercise"]) for r in records]
    assert len(pairs) == len(set(pairs)), "a result is present more than once"
    return {(r["student"], r["exercise"]): {
        "score": r["score"], "max_score": r["max_score"], "notes": r["notes"], "grader_error": r.get("grader_error"),
        "checks": [{k: c.get(k) for k in ("name", "points", "max_points", "status", "message", "hint", "hidden")}
                   for c in r["checks"]]} for r in records}


def _make_class(folder: Path, n: int = 8) -> None:
    for i in range(n):
        text = SLOW if i % 2 == 0 else SLOW.replace("sigmoid(X @ W + b)", "sigmoid(X @ W)")
        path = folder / f"s{i:02d}" / "ex01_sigmoid" / "ex01_sigmoid.py"
        path.parent.mkdir(parents=True)
        path.write_text(f"# student {i}\n" + text)


def _children(pid: int) -> list[int]:
    kids = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                if int((p / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    kids.append(int(p.name))
            except (OSError, ValueError, IndexError):
                pass
    return kids


def _cmd(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _dask_workers(pid: int) -> list[int]:
    """The LocalCluster's worker processes of grader ``pid`` (multiprocessing spawns them)."""
    return [k for k in _children(pid) if "spawn_main" in _cmd(k)]


def _wait_for_cache(out: Path, count: int, proc: subprocess.Popen, timeout: float = 240) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = len(list((out / "cache").glob("*.json"))) if (out / "cache").is_dir() else 0
        if done >= count:
            return done
        assert proc.poll() is None, proc.communicate()[1][-3000:]
        time.sleep(0.05)
    raise AssertionError(f"fewer than {count} results after {timeout} s")


def test_local_cluster_gives_the_same_results_as_the_local_runner(tmp_path):
    pytest.importorskip("distributed")
    exercises = [arg for name in NUMPY_EXERCISES for arg in ("--exercise", name)]
    local = _grade(ROOT / "examples" / "class", tmp_path / "local", "--workers", "2", *exercises)
    _finish(local)
    on_dask = _grade(ROOT / "examples" / "class", tmp_path / "dask", "--cluster", "local:2", *exercises)
    stdout, stderr = _finish(on_dask)
    assert "Dask dashboard at http://127.0.0.1:" in stderr
    assert stderr.count("Dask dashboard at") == 1
    assert "cluster local:2: 2 worker(s) on 1 host(s), 0 with a GPU" in stderr
    expected = _verdicts(tmp_path / "local")
    assert len(expected) == 3 * len(NUMPY_EXERCISES)
    assert _verdicts(tmp_path / "dask") == expected
    graded = len([v for v in expected.values() if v["checks"][0]["name"] != "submission"])
    assert f"{graded} graded, 0 from the cache" in stdout
    assert len(list((tmp_path / "dask" / "cache").glob("*.json"))) == graded
    # the progress line is the local runner's, one per graded submission
    assert stderr.count(f"/{len(expected)}] ") == graded
    # a rerun is served from the cache that the grader wrote as results arrived
    # (one worker is enough to be served from the cache: the key names the sandbox, not the workers)
    stdout, _ = _finish(_grade(ROOT / "examples" / "class", tmp_path / "dask", "--cluster", "local:1", *exercises))
    assert f"0 graded, {graded} from the cache" in stdout


def test_a_killed_worker_loses_nothing_and_doubles_nothing(tmp_path):
    pytest.importorskip("distributed")
    klass, out = tmp_path / "class", tmp_path / "out"
    _make_class(klass)
    proc = _grade(klass, out, "--cluster", "local:2", "--public-only")
    _wait_for_cache(out, 2, proc)
    workers = _dask_workers(proc.pid)
    assert len(workers) == 2, [_cmd(w) for w in _children(proc.pid)]
    os.kill(workers[0], signal.SIGKILL)  # mid-task: its submission goes to the other worker
    _finish(proc)
    verdicts = _verdicts(out)
    assert sorted(verdicts) == [(f"s{i:02d}", "ex01_sigmoid") for i in range(8)]
    assert all(v["grader_error"] is None for v in verdicts.values())
    assert {k[0]: v["score"] for k, v in verdicts.items()} == {f"s{i:02d}": 6.0 if i % 2 == 0 else 4.0
                                                              for i in range(8)}
    assert len(list((out / "cache").glob("*.json"))) == 8


def test_a_killed_grader_resumes_where_it_stopped(tmp_path):
    pytest.importorskip("distributed")
    klass, out = tmp_path / "class", tmp_path / "out"
    _make_class(klass)
    proc = _grade(klass, out, "--cluster", "local:2", "--public-only")
    _wait_for_cache(out, 3, proc)
    workers = _dask_workers(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)  # the grader only: its cluster must follow
    proc.communicate()
    finished = {p.name: json.loads(p.read_text()) for p in (out / "cache").glob("*.json")}  # all parse
    assert 3 <= len(finished) < 8, "the kill did not land mid-batch"
    assert not (out / "results.json").exists()
    deadline = time.monotonic() + 60
    while any(Path(f"/proc/{w}").exists() and "spawn_main" in _cmd(w) for w in workers):
        assert time.monotonic() < deadline, "the killed grader's Dask workers are still running"
        time.sleep(0.2)

    stdout, stderr = _finish(_grade(klass, out, "--cluster", "local:2", "--public-only"))
    assert f"{plural(len(finished), 'submission')} unchanged since the last run" in stderr
    assert f"{8 - len(finished)} graded, {len(finished)} from the cache" in stdout
    for name, record in finished.items():  # kept as they were
        assert json.loads((out / "cache" / name).read_text()) == record
    verdicts = _verdicts(out)
    assert sorted(verdicts) == [(f"s{i:02d}", "ex01_sigmoid") for i in range(8)]
    assert {k[0]: v["score"] for k, v in verdicts.items()} == {f"s{i:02d}": 6.0 if i % 2 == 0 else 4.0
                                                              for i in range(8)}


def test_device_gpu_on_a_cluster_without_gpus_stops_before_grading(tmp_path):
    pytest.importorskip("distributed")
    out = tmp_path / "out"
    proc = _grade(ROOT / "examples" / "class", out, "--cluster", "local:1", "--device", "gpu",
                  "--exercise", "ex01_sigmoid", "--exercise", "ex02_forward_pass")
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 3, stderr
    assert "--device gpu, but no worker of the cluster has a GPU" in stderr
    assert "--resources GPU=1" in stderr
    assert not (out / "cache").exists() and not (out / "results.json").exists()


def crash_or_answer(bundle, task):
    """Stands in for grade_task on the workers: the task ``"crash"`` ends its worker process."""
    from autograder.batch.record import Record
    from autograder.score import ExerciseResult

    if task == "crash":
        os._exit(1)
    record = Record(student=task, result=ExerciseResult(exercise="ex01_sigmoid"), key=f"k-{task}")
    return {"record": record.to_json(), "cache": True}


def test_a_submission_that_kills_its_worker_is_an_error_after_bounded_tries(monkeypatch):
    pytest.importorskip("distributed")
    from autograder.batch import cluster
    from autograder.batch.bundle import CourseBundle
    from autograder.batch.cluster_spec import ClusterConfig
    from autograder.batch.discover import Found
    from autograder.batch.grading import grader_failure

    monkeypatch.setattr(cluster, "grade_task", crash_or_answer)
    names = ["a", "crash", "b", "c"]
    jobs = [cluster.Submitted(i, Found(student=n, exercise="ex01_sigmoid", path=Path(f"/class/{n}.py")),
                              f"k-{n}", 6.0) for i, n in enumerate(names)]
    # a cluster whose workers all died and never came back (a nanny's restart that hung, once under
    # load) ends this test in a minute, not after the default start_timeout of ten
    run = cluster.ClusterGrading(ClusterSpec("local", 2), ClusterConfig(start_timeout=60), log=lambda _: None).open()
    try:
        results = list(run.grade(CourseBundle("0" * 64, b""), jobs, lambda job: job.found.student,
                                 resources=lambda job: None,
                                 failure=lambda job, exc, what: grader_failure(job.found, job.max_score, exc, what)))
    finally:
        run.close()
    assert sorted(job.index for job, _, _ in results) == [0, 1, 2, 3]  # each once
    by_name = {job.found.student: (record, cacheable) for job, record, cacheable in results}
    for name in ("a", "b", "c"):
        assert by_name[name][0].key == f"k-{name}" and by_name[name][1]
    record, cacheable = by_name["crash"]
    assert not cacheable and record.grader_error
    message = record.result.checks[0].message
    assert message.startswith(f"the grader failed on this submission (grading it ended {MAX_TRIES} worker processes")
    assert record.result.checks[0].status.value == "error"


def together_then_alone(bundle, task):
    """Stands in for grade_task: ``"crash"`` ends its worker process once ``"a"`` runs beside
    it in that process; every run leaves a file in the shared folder."""
    from autograder.batch.record import Record
    from autograder.score import ExerciseResult

    name, folder = task
    folder = Path(folder)
    (folder / f"run-{name}-{time.monotonic_ns()}").touch()
    if name == "crash":
        deadline = time.monotonic() + 60
        while not (folder / "a-running").exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(1)  # not within moments of the worker's start: Dask's own bookkeeping settles first
        os._exit(1)
    (folder / f"{name}-running").touch()
    time.sleep(2)  # still running when "crash" ends the process it shares with it
    record = Record(student=name, result=ExerciseResult(exercise="ex01_sigmoid"), key=f"k-{name}")
    return {"record": record.to_json(), "cache": True}


def test_a_submission_that_kills_the_worker_it_shares_costs_the_other_one_nothing(monkeypatch, tmp_path):
    """One worker of two threads runs "a" and "crash" together, and "crash" ends it: only a death
    while running alone is charged, so "a" is graded (no grader try charged) and "crash" is an
    error after MAX_TRIES deaths of its own."""
    pytest.importorskip("distributed")
    import logging

    import dask
    from distributed import LocalCluster

    from autograder.batch import cluster
    from autograder.batch.bundle import CourseBundle
    from autograder.batch.cluster_deploy import ALLOWED_FAILURES
    from autograder.batch.cluster_spec import ClusterConfig
    from autograder.batch.discover import Found
    from autograder.batch.grading import grader_failure

    monkeypatch.setattr(cluster, "grade_task", together_then_alone)
    names = ["a", "crash", "b"]
    jobs = [cluster.Submitted(i, Found(student=n, exercise="ex01_sigmoid", path=Path(f"/class/{n}.py")),
                              f"k-{n}", 6.0) for i, n in enumerate(names)]
    with dask.config.set({ALLOWED_FAILURES: 0}):
        workers = LocalCluster(n_workers=1, threads_per_worker=2, processes=True, host="127.0.0.1",
                               dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR)
    try:
        run = cluster.ClusterGrading(ClusterSpec("tcp", address=workers.scheduler_address), ClusterConfig(),
                                     log=lambda _: None).open()
        try:
            results = list(run.grade(CourseBundle("0" * 64, b""), jobs, lambda job: (job.found.student, str(tmp_path)),
                                     resources=lambda job: None,
                                     failure=lambda job, exc, what: grader_failure(job.found, job.max_score, exc,
                                                                                   what)))
        finally:
            run.close()
    finally:
        workers.close()
    runs = {n: len(list(tmp_path.glob(f"run-{n}-*"))) for n in names}
    assert runs == {"a": 2, "crash": 1 + MAX_TRIES, "b": 1}, "a died once beside crash, then ran alone"
    assert sorted(job.index for job, _, _ in results) == [0, 1, 2]  # each once
    by_name = {job.found.student: (record, cacheable) for job, record, cacheable in results}
    for name in ("a", "b"):
        record, cacheable = by_name[name]
        assert record.key == f"k-{name}" and cacheable and not record.grader_error
        assert "grader_tries" not in record.to_json()
    record, cacheable = by_name["crash"]
    assert not cacheable and record.grader_error and record.grader_tries == MAX_TRIES
    assert record.result.checks[0].status.value == "error"
    assert record.result.checks[0].message.startswith(
        f"the grader failed on this submission (grading it ended {MAX_TRIES} worker processes")


def end_the_worker(bundle, task):
    """Stands in for grade_task: ends the worker process it runs in."""
    os._exit(1)


def test_a_cluster_left_with_no_worker_is_lost_not_waited_on(monkeypatch, tmp_path):
    """The one worker (no nanny to start another) dies with the first task: the scheduler has
    no worker left. The run ends after start_timeout with every job a grader failure (each
    once), not a hang."""
    pytest.importorskip("distributed")
    from autograder.batch import cluster
    from autograder.batch.bundle import CourseBundle
    from autograder.batch.cluster_spec import ClusterConfig
    from autograder.batch.discover import Found
    from autograder.batch.grading import grader_failure

    monkeypatch.setattr(cluster, "grade_task", end_the_worker)
    jobs = [cluster.Submitted(i, Found(student=n, exercise="ex01_sigmoid", path=Path(f"/class/{n}.py")),
                              f"k-{n}", 6.0) for i, n in enumerate(["a", "b", "c"])]
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    # the stand-in task is this module's: the scheduler and the worker import it by name
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")])}
    started = [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                                 "--port", str(port), "--no-dashboard"], stderr=subprocess.DEVNULL, env=env)]
    try:
        started.append(subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", address,
                                         "--nthreads", "1", "--host", "127.0.0.1", "--no-dashboard",
                                         "--no-nanny"], stderr=subprocess.DEVNULL, env=env))
        from distributed import Client

        # start_timeout (4 s) also bounds the wait for the first worker: a worker that takes longer
        # to start on a loaded machine is waited for here, so the 4 s measure only the lost one
        with Client(address, timeout=60, set_as_default=False) as client:
            client.wait_for_workers(1, timeout=120)
        run = cluster.ClusterGrading(ClusterSpec("tcp", address=address), ClusterConfig(start_timeout=4.0),
                                     log=lambda _: None).open()
        started_at = time.monotonic()
        try:
            results = list(run.grade(CourseBundle("0" * 64, b""), jobs, lambda job: job.found.student,
                                     resources=lambda job: None,
                                     failure=lambda job, exc, what: grader_failure(job.found, job.max_score, exc,
                                                                                   what)))
        finally:
            run.close()
        took = time.monotonic() - started_at
    finally:
        for proc in reversed(started):
            proc.terminate()
            proc.wait(timeout=30)
    assert sorted(job.index for job, _, _ in results) == [0, 1, 2]  # each once
    for _, record, cacheable in results:
        assert not cacheable and record.grader_error
        assert record.result.checks[0].status.value == "error"
    assert any("no worker for 4 s" in record.result.checks[0].message for _, record, _ in results), [r.result.checks[0].message for _, r, _ in results]
    assert took < 120, took


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_grading_on_a_running_scheduler(tmp_path):
    pytest.importorskip("distributed")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    started = [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                                 "--port", str(port), "--no-dashboard"], stderr=subprocess.DEVNULL)]
    try:
        started.append(subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", address,
                                         "--nthreads", "1", "--host", "127.0.0.1", "--no-dashboard"],
                                        stderr=subprocess.DEVNULL))
        klass = tmp_path / "class"
        _make_class(klass, 2)
        unreadable = klass / "s99" / "ex01_sigmoid" / "ex01_sigmoid.py"
        unreadable.parent.mkdir(parents=True)
        unreadable.write_bytes(b"def sigmoid(z):\n    return '\xff\xfe'\n")  # not UTF-8
        stdout, stderr = _finish(_grade(klass, tmp_path / "out", "--cluster", address, "--public-only"))
        assert f"cluster {address}: 1 worker(s) on 1 host(s)" in stderr
        verdicts = _verdicts(tmp_path / "out")
        assert {k[0]: v["score"] for k, v in verdicts.items()} == {"s00": 6.0, "s01": 4.0, "s99": 0.0}
        (check,) = verdicts[("s99", "ex01_sigmoid")]["checks"]
        assert check["status"] == "error"
        assert check["message"].startswith(f"cannot read {unreadable.resolve()}:"), "named as handed in, not as copied"
    finally:
        for proc in reversed(started):
            proc.terminate()
            proc.wait(timeout=30)
    config = tmp_path / "quick.toml"
    config.write_text("start_timeout = 2\n")
    nobody = _grade(klass, tmp_path / "out2", "--cluster", f"tcp://127.0.0.1:{_free_port()}",
                    "--cluster-config", str(config), "--public-only")
    _, stderr = nobody.communicate(timeout=120)
    assert nobody.returncode == 3
    assert "cannot reach a Dask scheduler with workers at tcp://127.0.0.1:" in stderr
    assert "`dask scheduler`" in stderr


# -- the course as it travels to workers --------------------------------------------------
def test_the_course_bundle_is_content_addressed_and_unpacks_safely(tmp_path, course):
    import io
    import tarfile

    from autograder.batch.bundle import BundleError, CourseBundle, course_files, make_bundle, unpack_bundle

    bundle = make_bundle(course)
    assert make_bundle(course) == bundle, "the same course gives the same bytes"
    folder = unpack_bundle(bundle, tmp_path / "courses")
    assert folder.name == f"deepgrade-course-{bundle.digest[:32]}"
    assert oct(folder.stat().st_mode & 0o777) == oct(0o700)
    expected = {p.relative_to(course.root).as_posix(): p.read_bytes() for p in course_files(course)}
    got = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert got == expected
    assert "solutions/ex01_sigmoid/checks.py" in got and "exercises/ex01_sigmoid/public_checks.json" in got
    assert not any("__pycache__" in name for name in got)
    assert unpack_bundle(bundle, tmp_path / "courses") == folder  # once per host
    assert [p.name for p in (tmp_path / "courses").iterdir()] == [folder.name]

    with pytest.raises(BundleError, match="does not match its digest"):
        unpack_bundle(CourseBundle(bundle.digest, bundle.data[:-1] + b"x"), tmp_path / "other")
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w:gz") as tar:
        info = tarfile.TarInfo("../escape.py")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    evil = CourseBundle(__import__("hashlib").sha256(raw.getvalue()).hexdigest(), raw.getvalue())
    with pytest.raises(BundleError, match="not a plain file in it"):
        unpack_bundle(evil, tmp_path / "evil")
    assert not (tmp_path / "escape.py").exists() and not list((tmp_path / "evil").iterdir())


NO_DASK = ("import sys; sys.modules['distributed'] = None; sys.modules['dask'] = None\n"
           "from autograder.cli import main\n"
           "code = main(sys.argv[1:])\n"
           "assert not [m for m in sys.modules if m.startswith(('dask', 'distributed')) and sys.modules[m]]\n"
           "sys.exit(code)\n")


def test_without_cluster_no_dask_is_needed(tmp_path):
    klass = tmp_path / "class"
    _make_class(klass, 2)
    args = ["grade", str(klass), "--out", str(tmp_path / "out"), "--course", str(ROOT), "--public-only"]
    plain = subprocess.run([sys.executable, "-c", NO_DASK, *args], capture_output=True, text=True, timeout=300,
                           cwd=ROOT)
    assert plain.returncode == 0, plain.stderr
    assert "2 graded, 0 from the cache" in plain.stdout
    wanted = subprocess.run([sys.executable, "-c", NO_DASK, *args, "--cluster", "local:1"], capture_output=True,
                            text=True, timeout=300, cwd=ROOT)
    assert wanted.returncode == 2
    assert 'pip install "deepgrade[cluster]"' in wanted.stderr
