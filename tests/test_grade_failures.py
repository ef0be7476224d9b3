"""Grader failures are never verdicts, and a hostile submission never costs the next one a point.

* Pre-warmed hostile model submissions (a fork bomb up to the slot's process limit,
  processes that leave their session and linger, a memory bomb, a probe that writes
  to and closes whatever it inherited and kills whatever it sees) graded before
  right ones in the same slot: the right ones keep full marks, with one worker and
  with two.
* Failures injected on the grader's side (a process that ends before the student's
  code is loaded, as when a fork is refused; a zygote killed): retried, never
  cached, reported in the summary and results.json, a non-zero exit when they
  persist. SIGINT sent from outside changes nothing; a signal the student's code
  sends itself, and any exit code of its own, stays its own verdict.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from autograder.isolate.backends import available
from autograder.load import load_program
from autograder.run.failure import GraderFailure, Stage
from autograder.run.session import StudentProcess

ROOT = Path(__file__).resolve().parents[1]
GOOD = (ROOT / "tests" / "hostile" / "_good.py").read_text()


def _ex02_source() -> str:
    """A right ex02 submission (NumPy and Keras checks: its process is forked from the zygote)."""
    nb = json.loads((ROOT / "examples" / "class" / "ada" / "ex02_forward_pass" / "ex02_forward_pass.ipynb").read_text())
    cells = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    return "\n\n".join(c for c in cells if "grade(" not in c and "check(" not in c and "model.predict" not in c)


FORK_BOMB = """
import os, time
for _ in range(5000):  # until the slot's process limit refuses
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        time.sleep(300)
        os._exit(0)
"""
LINGER = """
import os, time
for _ in range(20):  # children that leave the session and outlive the student's process
    if os.fork() == 0:
        os.setsid()
        time.sleep(300)
        os._exit(0)
"""
MEMORY = """
hold = []
try:  # reserved, never written: the address-space limit is met at once, the machine keeps its memory
    while True:
        hold.append(bytearray(256 << 20))
except MemoryError:
    pass
"""
PROBE = """
import os, signal
for fd in range(5, 1024):  # whatever it inherited past its own pipes (3, 4): written to, then closed
    try:
        os.write(fd, b"garbage")
    except OSError:
        pass
    try:
        os.close(fd)
    except OSError:
        pass
for entry in os.listdir("/proc"):  # every process it can see, but itself
    if entry.isdigit() and int(entry) != os.getpid():
        try:
            os.kill(int(entry), signal.SIGKILL)
        except OSError:
            pass
"""


def _put(klass: Path, student: str, exercise: str, text: str) -> None:
    path = klass / student / exercise / f"{exercise}.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _grade(klass: Path, out: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder.cli", "grade", str(klass), "--out", str(out),
                           "--course", str(ROOT), *args], capture_output=True, text=True, timeout=900, cwd=ROOT,
                          env={**os.environ, "DEEPGRADE_OFFLINE": "1", **(env or {})})


def _records(out: Path) -> dict[str, dict]:
    return {r["student"]: r for r in json.loads((out / "results.json").read_text())["submissions"]}


needs_bwrap = pytest.mark.skipif(not available("bwrap").works, reason=f"the pre-warmed process needs bwrap: "
                                 f"{available('bwrap').why}")


@needs_bwrap
@pytest.mark.parametrize("workers", [1, 2])
def test_hostile_prewarmed_submissions_cost_the_next_ones_in_the_slot_nothing(tmp_path, workers):
    klass, out = tmp_path / "class", tmp_path / "out"
    right = _ex02_source()
    nothing = right.replace("return keras.Sequential", "return None\n    return keras.Sequential")
    _put(klass, "a_bomb", "ex02_forward_pass", FORK_BOMB + nothing)
    _put(klass, "b_linger", "ex02_forward_pass", LINGER + right)
    _put(klass, "c_memory", "ex02_forward_pass", MEMORY + right)
    _put(klass, "d_probe", "ex02_forward_pass", PROBE + right)
    for name in ("e_right", "f_right", "g_right"):
        _put(klass, name, "ex02_forward_pass", f"# {name}\n" + right)
    proc = _grade(klass, out, "--workers", str(workers), "--public-only")
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    assert "imported once per slot" in proc.stderr  # the model submissions were forked
    records = _records(out)
    for name in ("e_right", "f_right", "g_right", "b_linger", "d_probe"):
        assert records[name]["score"] == records[name]["max_score"] == 11, (name, records[name]["checks"])
    bomb = {c["name"]: c["status"] for c in records["a_bomb"]["checks"]}
    assert bomb["keras_no_hidden_course"] == "failed" and bomb["predict_hidden_course"] == "passed"
    # the memory bomb holds its whole address space: its own Keras models cannot be built (its verdict)
    memory = {c["name"]: c["status"] for c in records["c_memory"]["checks"]}
    assert memory["keras_no_hidden_course"] == "error" and memory["predict_hidden_course"] == "passed"
    assert "grader_failure" not in records["c_memory"]


def _injecting(monkeypatch, fails: dict[str, int]) -> dict[str, int]:
    """Make the first ``fails[name]`` student processes of the submission whose folder is
    ``name`` end before the student's code is loaded, as a refused fork or a broken sandbox
    does (-1: every one). Returns how many were started, by name."""
    from autograder.isolate import process

    started: dict[str, int] = {}
    launch = process.SandboxedProcess._launch

    def failing_launch(self, to_child_r, from_child_w):
        name = Path(self.program.path).parent.parent.name
        started[name] = started.get(name, 0) + 1
        if fails.get(name, 0) < 0 or started[name] <= fails.get(name, 0):
            return subprocess.Popen(["sh", "-c", "exit 70"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        return launch(self, to_child_r, from_child_w)

    monkeypatch.setattr(process.SandboxedProcess, "_launch", failing_launch)
    monkeypatch.setattr("autograder.run.failure.RETRY_PAUSE", 0.05)
    return started


def _cli(args: list[str], capsys) -> tuple[int, str, str]:
    from autograder.cli import main

    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_grader_failure_is_retried_then_graded_and_a_persistent_one_is_reported_not_cached(
        tmp_path, monkeypatch, capsys):
    klass, out = tmp_path / "class", tmp_path / "out"
    for name in ("ada", "bob", "cy"):
        _put(klass, name, "ex01_sigmoid", f"# {name}\n" + GOOD)
    started = _injecting(monkeypatch, {"bob": 1, "cy": -1})
    args = ["grade", str(klass), "--out", str(out), "--course", str(ROOT), "--public-only", "--workers", "1"]
    code, stdout, stderr = _cli(args, capsys)
    records = _records(out)
    assert records["ada"]["score"] == records["ada"]["max_score"] > 0 and "grader_tries" not in records["ada"]
    # bob: the first attempt's process never started; the second graded him in full
    assert records["bob"]["score"] == records["bob"]["max_score"] and records["bob"]["grader_tries"] == 2
    assert started["bob"] >= 2
    # cy: every attempt failed, the last one too: a grader error, not a verdict on cy's code
    failure = records["cy"]["grader_failure"]
    assert failure["stage"] == Stage.SETUP.value and failure["tries"] == 3
    assert "before the student's code was loaded" in failure["reason"]
    assert records["cy"]["score"] == 0 and "the grader failed" in records["cy"]["checks"][0]["message"]
    assert code == 1
    assert "GRADER ERROR: the grader failed on 1 submission, not graded" in stdout
    assert "1 submission graded again after a grader failure" in stdout

    # nothing of cy's was cached: the next run grades cy again (and only cy), now in full
    monkeypatch.undo()
    code, stdout, _ = _cli(args, capsys)
    assert code == 0 and "1 graded, 2 from the cache" in stdout, stdout
    assert _records(out)["cy"]["score"] == _records(out)["cy"]["max_score"]


SLOW = """
import os, signal, time

def wait(seconds):
    time.sleep(seconds)
    return os.getpid()

def interrupt_myself():
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(30)
    return "not interrupted"

def terminate_myself():
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(30)
    return "not terminated"

def catch_my_interrupt():
    started = time.monotonic()
    try:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(30)
    except KeyboardInterrupt:
        # as in a plain Python: the sleep is interrupted, not the line after it 30 s later
        return "caught" if time.monotonic() - started < 20 else "caught when the sleep ended"
    return "not interrupted"
"""


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_signal_from_outside_changes_nothing(submission, sig):
    """Dropped: neither the student's verdict nor a grader failure (which the code could fake)."""
    with StudentProcess(load_program(submission(SLOW))) as proc:
        pid = proc.call("wait", 0).value
        threading.Timer(0.5, os.kill, (proc._proc.pid, sig)).start()
        outcome = proc.call("wait", 2, timeout=20)
        assert outcome.status == "ok" and outcome.value == pid, outcome


def test_a_signal_the_students_code_sends_itself_is_its_own_verdict(submission):
    with StudentProcess(load_program(submission(SLOW))) as proc:
        assert proc.call("catch_my_interrupt", timeout=60).value == "caught"  # delivered as a KeyboardInterrupt
        outcome = proc.call("interrupt_myself")  # an uncaught KeyboardInterrupt: Python exits by SIGINT or 130
        assert outcome.status == "crashed" and ("SIGINT" in outcome.detail or "130" in outcome.detail), outcome
        outcome = proc.call("terminate_myself")
        assert outcome.status == "crashed" and "SIGTERM" in outcome.detail, outcome


def test_a_process_that_ends_before_the_students_code_loads_is_the_graders_failure(submission):
    proc = StudentProcess(load_program(submission(GOOD)), command=["sh", "-c", "exit 70", "--"])
    with pytest.raises(GraderFailure) as failure, proc:
        proc.call("sigmoid", 0.0)
    assert failure.value.stage is Stage.SETUP
    # the same exit once the student's code runs is the student's
    exits = submission("import os\nos._exit(70)\n", "exits.py")
    outcome = StudentProcess(load_program(exits)).call("anything")
    assert outcome.status == "crashed" and "exit code 70" in outcome.detail


def test_no_exit_code_of_the_students_code_passes_for_the_graders_failure(submission):
    """86 was once the worker's "a signal from outside ended me", read as the grader's failure."""
    for code in (86, 70, 1):
        exits = submission(GOOD + f"\nimport os\n\ndef sigmoid(z):\n    os._exit({code})\n", f"exits{code}.py")
        with StudentProcess(load_program(exits)) as proc:
            outcome = proc.call("sigmoid", 0.0)
            assert outcome.status == "crashed" and f"exit code {code}" in outcome.detail, outcome
            assert proc.get("p_fake").status == "ok"  # a fresh process for the next request


def _sigint_from_outside_once(scratch: Path, done: threading.Event, sent: list[int]) -> None:
    """SIGINT, once, to a student's process of this test's run only (found through the sandbox
    command line that names this run's scratch folder)."""
    while not done.is_set() and not sent:
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if (cmd.split(" ")[1:3] == ["-m", "autograder.run.worker"]  # python, not the sandbox around it
                    and _ours(int(entry.name), scratch)):
                time.sleep(1.0)  # inside the student's calls by now
                os.kill(int(entry.name), signal.SIGINT)
                sent.append(int(entry.name))
                return
        time.sleep(0.05)


def _ours(pid: int, scratch: Path) -> bool:
    """Whether ``pid`` or one of its ancestors was started on this test's scratch folder."""
    for _ in range(8):
        try:
            cmd = (Path("/proc") / str(pid) / "cmdline").read_bytes().decode(errors="replace")
            if str(scratch) in cmd:
                return True
            pid = int((Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            return False
        if pid <= 1:
            return False
    return False


def test_sigint_from_outside_during_a_batch_changes_nothing(tmp_path, monkeypatch, capsys):
    klass, out, scratch = tmp_path / "class", tmp_path / "out", tmp_path / "scratch"
    scratch.mkdir()
    slow = "import time\ntime.sleep(3)  # the signal comes while this runs\n" + GOOD
    _put(klass, "ada", "ex01_sigmoid", slow)
    monkeypatch.setenv("DEEPGRADE_SCRATCH", str(scratch))
    done, sent = threading.Event(), []
    sender = threading.Thread(target=_sigint_from_outside_once, args=(scratch, done, sent), daemon=True)
    sender.start()
    try:
        code, stdout, _ = _cli(["grade", str(klass), "--out", str(out), "--course", str(ROOT), "--public-only"],
                               capsys)
    finally:
        done.set()
        sender.join()
    assert sent, "no student process of this run was found to interrupt"
    ada = _records(out)["ada"]
    assert code == 0 and ada["score"] == ada["max_score"], ada
    assert "grader_tries" not in ada and "grader failure" not in stdout  # dropped: nothing to retry


def test_the_worker_protocol_says_started_before_the_students_code(submission):
    source = textwrap.dedent("""
        import sys
        print("student code ran", file=sys.stderr)
        def f():
            return 1
    """)
    with StudentProcess(load_program(submission(source))) as proc:
        assert proc.call("f").value == 1
        assert proc._started


def test_two_runs_at_once_give_the_verdicts_each_gives_alone(tmp_path):
    """Two `deepgrade grade` runs at once, each with a scratch folder of its own: they hold
    different slots (so, as root, different users and process limits), and a process bomb in
    one costs the other nothing."""
    from conftest import HeldSlots

    bomb = (ROOT / "tests" / "hostile" / "process_bomb.py").read_text()
    wrong = GOOD.replace("sigmoid(X @ W + b)", "sigmoid(X @ W)")
    classes = {"a": {"bomb": bomb, "ada": GOOD, "ben": wrong}, "b": {"cy": GOOD, "dan": wrong, "eve": GOOD}}
    runs = {}
    for name, students in classes.items():
        for student, text in students.items():
            _put(tmp_path / name / "class", student, "ex01_sigmoid", f"# {student}\n" + text)
        (tmp_path / name / "scratch").mkdir()

    def start(name: str, out: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "autograder.cli", "grade", str(tmp_path / name / "class"), "--out",
             str(tmp_path / name / out), "--course", str(ROOT), "--workers", "2", "--public-only"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
            env={**os.environ, "DEEPGRADE_SCRATCH": str(tmp_path / name / "scratch")})

    together = {name: start(name, "together") for name in classes}
    held = {name: HeldSlots(proc.pid) for name, proc in together.items()}
    for name, proc in together.items():
        _, stderr = proc.communicate(timeout=600)
        assert proc.returncode == 0, stderr[-3000:]
        runs[name] = held[name].stop()
    assert runs["a"] and runs["b"] and not runs["a"] & runs["b"], runs  # never the same slot
    for name in classes:
        alone = start(name, "alone")
        _, stderr = alone.communicate(timeout=600)
        assert alone.returncode == 0, stderr[-3000:]
        verdicts = {out: {s: [(c["name"], c["status"], c["points"]) for c in r["checks"]]
                          for s, r in _records(tmp_path / name / out).items()} for out in ("together", "alone")}
        assert verdicts["together"] == verdicts["alone"], name
    assert _records(tmp_path / "b" / "together")["cy"]["score"] == 6


def test_check_hidden_retries_a_grader_failure_and_exits_4_when_it_persists(tmp_path, monkeypatch, capsys):
    _put(tmp_path, "ada", "ex01_sigmoid", GOOD)
    _put(tmp_path, "cy", "ex01_sigmoid", GOOD)
    _injecting(monkeypatch, {"ada": 1, "cy": -1})
    code, stdout, _ = _cli(["check", str(tmp_path / "ada" / "ex01_sigmoid" / "ex01_sigmoid.py"), "--exercise",
                            "ex01_sigmoid", "--hidden", "--course", str(ROOT)], capsys)
    assert code == 0 and "12/12" in stdout, stdout
    code, stdout, stderr = _cli(["check", str(tmp_path / "cy" / "ex01_sigmoid" / "ex01_sigmoid.py"), "--exercise",
                                 "ex01_sigmoid", "--hidden", "--course", str(ROOT)], capsys)
    assert code == 4 and "GRADER ERROR" in stderr and "says nothing about the submission" in stderr
    assert "/12" not in stdout  # no verdict printed


def test_nbgrader_autograde_reports_a_persistent_grader_failure_instead_of_a_zero(tmp_path, monkeypatch):
    """GradeInSandbox raises, so nbgrader reports that notebook as failed (and grades the others)."""
    import nbformat
    from traitlets.config import Config

    from autograder.nbgrader.autograde import GradeInSandbox
    from autograder.run.failure import GraderFailures

    source = ROOT / "exercises" / "ex01_sigmoid" / "ex01_sigmoid.ipynb"
    (tmp_path / "ex01_sigmoid.ipynb").write_bytes(source.read_bytes())
    nb = nbformat.read(source, as_version=4)
    resources = {"nbgrader": {"assignment": "ex01_sigmoid", "notebook": "ex01_sigmoid"},
                 "metadata": {"path": str(tmp_path)}}
    monkeypatch.setattr(GradeInSandbox, "_course_root", lambda self: ROOT)

    def failing(*args, **kwargs):
        raise GraderFailures([GraderFailure(Stage.SETUP, "a fork was refused")] * 3)

    monkeypatch.setattr("autograder.isolate.submission.grade_one", failing)
    with pytest.raises(GraderFailures):
        GradeInSandbox(config=Config()).preprocess(nb, resources)


@needs_bwrap
def test_a_zygote_killed_under_its_child_is_the_graders_failure(tmp_path):
    from autograder.isolate.backends import SandboxLimits, detect
    from autograder.isolate.prewarm import Zygote
    from autograder.isolate.process import SandboxedProcess
    from autograder.isolate.slots import SlotLease, slots_folder
    from autograder.student import KERAS_OPS

    # The slot is claimed as every grading run claims it: a run on another test worker that ends its
    # slot's processes (the rlimits backend as root) never meets this zygote.
    with SlotLease(1, slots_folder()) as lease:
        slot = lease.slots[0]
        zygote = Zygote(detect("bwrap"), slot, SandboxLimits(device="cpu"), tmp_path / f"inbox-{slot}")
        assert zygote.start() == ""
        scratch = zygote.inbox / "s-ada"
        scratch.mkdir()
        (scratch / "submission.py").write_text(SLOW)
        proc = SandboxedProcess(load_program(scratch / "submission.py"), sandbox=zygote.sandbox, scratch=scratch,
                                slot=slot, limits=SandboxLimits(device="cpu"), zygote=zygote, preload=(KERAS_OPS,))
        try:
            assert proc.call("wait", 0).status == "ok" and proc.forked == 1
            assert zygote._proc is not None
            threading.Timer(1.0, zygote._proc.kill).start()
            with pytest.raises(GraderFailure) as failure:
                proc.call("wait", 20, timeout=60)
            assert failure.value.stage in (Stage.ZYGOTE, Stage.SIGNAL)
        finally:
            proc.close()
            zygote.close()


@pytest.mark.parametrize("backend", ["bwrap", "unshare"])
def test_a_signal_that_ends_the_sandbox_wrapper_is_the_graders_failure(backend, tmp_path):
    """The wrapper (bwrap, unshare) is out of the student's reach and reports its child killed by
    signal N as exit code 128 + N: the code's own SIGKILL and SIGTERM are its verdicts, a SIGKILL
    that ends the wrapper came from outside and is the grader's failure."""
    from autograder.isolate.backends import SandboxLimits, detect
    from autograder.isolate.process import SandboxedProcess
    from autograder.isolate.slots import SlotLease, slots_folder

    if not available(backend).works:
        pytest.skip(f"{backend}: {available(backend).why}")
    sandbox = detect(backend, hide=(ROOT / "solutions",))
    scratch = tmp_path / "s-ada"
    scratch.mkdir()
    (scratch / "submission.py").write_text(SLOW + "\ndef kill_myself():\n    os.kill(os.getpid(), signal.SIGKILL)\n")
    with SlotLease(1, slots_folder()) as lease:
        slot = lease.slots[0]
        sandbox.prepare_scratch(scratch, slot)
        with SandboxedProcess(load_program(scratch / "submission.py"), sandbox=sandbox, scratch=scratch, slot=slot,
                              limits=SandboxLimits(call_timeout=60)) as proc:
            outcome = proc.call("kill_myself")
            assert outcome.status == "crashed" and "killed by SIGKILL" in outcome.detail, outcome
            outcome = proc.call("terminate_myself")
            assert outcome.status == "crashed" and "killed by SIGTERM" in outcome.detail, outcome
            assert proc.call("wait", 0).status == "ok"
            threading.Timer(0.5, os.kill, (proc._proc.pid, signal.SIGKILL)).start()  # the wrapper's pid
            with pytest.raises(GraderFailure) as failure:
                proc.call("wait", 10, timeout=30)
    assert failure.value.stage is Stage.SIGNAL


def _check_hidden(path: Path) -> tuple[int, list[tuple[str, str, float]]]:
    proc = subprocess.run([sys.executable, "-m", "autograder.cli", "check", str(path), "-e", "ex01_sigmoid",
                           "--hidden", "--format", "json", "--course", str(ROOT)],
                          capture_output=True, text=True, timeout=300, cwd=ROOT,
                          env={**os.environ, "DEEPGRADE_OFFLINE": "1"})
    report = json.loads(proc.stdout)
    return proc.returncode, [(c["name"], c["status"], c["points"]) for c in report["checks"]]


def test_check_hidden_beside_a_class_run_with_a_bomb_gives_its_verdicts_alone(tmp_path):
    """An instructor's `check --hidden` while `deepgrade grade` runs a class with a process bomb
    on the same machine: each check gives what it gives alone, and the class keeps its marks."""
    bomb = (ROOT / "tests" / "hostile" / "process_bomb.py").read_text()
    wrong = GOOD.replace("sigmoid(X @ W + b)", "sigmoid(X @ W)")
    for student, text in {"bomb": bomb, "ada": GOOD, "ben": wrong}.items():
        _put(tmp_path / "class", student, "ex01_sigmoid", f"# {student}\n" + text)
    for student, text in {"right": GOOD, "wrong": wrong}.items():
        _put(tmp_path / "single", student, "ex01_sigmoid", text)
    files = {s: tmp_path / "single" / s / "ex01_sigmoid" / "ex01_sigmoid.py" for s in ("right", "wrong")}
    alone = {s: _check_hidden(path) for s, path in files.items()}
    assert alone["right"][0] == 0 and alone["wrong"][1] != alone["right"][1]

    run = subprocess.Popen([sys.executable, "-m", "autograder.cli", "grade", str(tmp_path / "class"), "--out",
                            str(tmp_path / "out"), "--course", str(ROOT), "--workers", "2"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                           env={**os.environ, "DEEPGRADE_OFFLINE": "1"})
    beside: list[tuple[str, tuple[int, list]]] = []
    overlapped = 0  # checks that began while the class run was still going
    try:
        while run.poll() is None or not beside:
            for student, path in files.items():
                overlapped += run.poll() is None
                beside.append((student, _check_hidden(path)))
            if len(beside) >= 8:
                break
    finally:
        _, stderr = run.communicate(timeout=600)
    assert run.returncode == 0, stderr[-3000:]
    assert overlapped >= 2, "the class run ended before the checks began: nothing ran at once"
    for student, verdict in beside:
        assert verdict == alone[student], student
    records = _records(tmp_path / "out")
    assert records["ada"]["score"] == records["ada"]["max_score"] > 0
    assert 0 < records["ben"]["score"] < records["ben"]["max_score"]


def test_nbgrader_autograde_beside_a_class_run_with_a_bomb_gives_its_scores_alone(tmp_path):
    """`nbgrader autograde` while `deepgrade grade` runs a class with a process bomb on the same
    machine: every notebook scores what `check --hidden` gives it alone."""
    import copy

    from autograder.nbgrader import roundtrip as rt
    from autograder.release.fill import fill_notebook

    ex = "ex01_sigmoid"
    course = rt.copy_course(ROOT, tmp_path / "course")
    rt.nbgrader(course, "generate_assignment", ex, "--force")
    right = fill_notebook(course / "exercises" / ex / f"{ex}.ipynb", course / "solutions" / ex / f"{ex}.ipynb")
    wrong = copy.deepcopy(right)
    next(c for c in wrong["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "sigmoid")[
        "source"] = "import numpy as np\n\ndef sigmoid(z):\n    return np.tanh(z)\n"
    paths = {s: rt.submit(course, s, ex, nb) for s, nb in (("ada", right), ("ben", wrong), ("cy", right))}
    by_notebook: dict[bytes, tuple[float, float]] = {}  # cy hands in ada's notebook: checked once
    alone = {}
    for student, path in paths.items():
        if path.read_bytes() not in by_notebook:
            proc = subprocess.run([sys.executable, "-m", "autograder.cli", "check", str(path), "-e", ex, "--hidden",
                                   "--format", "json", "--course", str(course)], capture_output=True, text=True,
                                  timeout=300, cwd=course, env={**os.environ, "DEEPGRADE_OFFLINE": "1"})
            report = json.loads(proc.stdout)
            by_notebook[path.read_bytes()] = (report["score"], report["max_score"])
        alone[student] = by_notebook[path.read_bytes()]
    assert len(by_notebook) == 2
    assert alone["ada"][0] == alone["ada"][1] > alone["ben"][0]

    bomb = (ROOT / "tests" / "hostile" / "process_bomb.py").read_text()
    for student in ("bomb1", "bomb2", "bomb3"):
        _put(tmp_path / "class", student, ex, f"# {student}\n" + bomb)
    run = subprocess.Popen([sys.executable, "-m", "autograder.cli", "grade", str(tmp_path / "class"), "--out",
                            str(tmp_path / "out"), "--course", str(ROOT), "--workers", "2"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                           env={**os.environ, "DEEPGRADE_OFFLINE": "1"})
    try:
        assert run.poll() is None, "the class run ended before autograde began: nothing ran at once"
        rt.nbgrader(course, "autograde", ex, "--force", timeout=900)  # raises unless exit 0
    finally:
        _, stderr = run.communicate(timeout=600)
    assert run.returncode == 0, stderr[-3000:]
    rows = rt.scores(rt.export_grades(course))
    assert {s: rows[(s, ex)] for s in paths} == alone
