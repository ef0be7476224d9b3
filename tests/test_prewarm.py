"""The pre-warmed TensorFlow process: forked children are as isolated as fresh ones, and a hung,
crashed or hostile child costs only its own verdict.

Each test forks children from one zygote of a slot the module holds (autograder/isolate/prewarm.py,
autograder/run/zygote.py) in the bwrap sandbox, as ``deepgrade grade`` does for
model submissions. The zygote imports TensorFlow once per module (about 5-8 s).
"""

from __future__ import annotations

import shutil
import signal
import textwrap
from pathlib import Path

import pytest

from autograder.course import Course
from autograder.isolate.backends import PACKAGE_DIR, Sandbox, SandboxLimits, _python_roots, available, detect
from autograder.isolate.prewarm import Zygote, ZygotePool, prewarm_refusal
from autograder.isolate.process import SandboxedProcess
from autograder.isolate.slots import SlotLease, slots_folder
from autograder.isolate.submission import grade_isolated, submission_files
from autograder.load import load_program
from autograder.student import KERAS_OPS

ROOT = Path(__file__).resolve().parents[1]

if not available("bwrap").works:
    pytest.skip(f"the pre-warmed process needs bwrap: {available('bwrap').why} (make install installs it)",
                allow_module_level=True)


@pytest.fixture(scope="module")
def slot_zygote(tmp_path_factory):
    """The module's zygote on a slot it holds as every grading run does: another run on the
    machine (a test on another xdist worker) never uses its uid, so never kills what runs as it.
    A call gives the zygote, started again only if a test ended it (the one that does runs last)."""
    sandbox = detect("bwrap")
    with SlotLease(1, slots_folder()) as lease:
        slot = lease.slots[0]
        inbox = tmp_path_factory.mktemp("scratch") / f"inbox-{slot}"
        held: list[Zygote] = []

        def live() -> Zygote:
            if not held or not held[-1].ready:
                if held:
                    held.pop().close()
                zygote = Zygote(sandbox, slot, SandboxLimits(device="cpu"), inbox)
                why = zygote.start()
                assert why == "", why
                held.append(zygote)
            return held[-1]

        yield live
        if held:
            held.pop().close()


@pytest.fixture
def zygote(slot_zygote) -> Zygote:
    return slot_zygote()


def _child(zygote: Zygote, source: str, name: str, timeout: float = 30.0) -> SandboxedProcess:
    """A student's process for ``source``, forked from the zygote (its scratch in the inbox)."""
    scratch = zygote.inbox / f"s-{name}"
    if scratch.exists():
        shutil.rmtree(scratch)
    scratch.mkdir()
    path = scratch / "submission.py"
    path.write_text(textwrap.dedent(source))
    return SandboxedProcess(load_program(path), sandbox=zygote.sandbox, scratch=scratch, slot=zygote.slot,
                            limits=SandboxLimits(device="cpu", load_timeout=timeout), zygote=zygote,
                            preload=(KERAS_OPS,))


#: What a fresh /tmp holds: the first folder of each of the sandbox's views that live in /tmp (the
#: grader and the Python installation, when the clone or the venv is there), nothing else.
SHOWN_UNDER_TMP = sorted({p.parts[2] for p in (PACKAGE_DIR, *_python_roots()) if p.parts[1:2] == ("tmp",)})

LOOK_AROUND = """
import os

def look():
    status = dict(line.split(":", 1) for line in open("/proc/self/status").read().splitlines())
    killed, read = [], []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            if int(entry) > 1:  # 1 is its own init, which ignores what it is sent
                try:
                    os.kill(int(entry), 9)
                    killed.append(entry)
                except OSError:
                    pass
            try:
                with open(f"/proc/{entry}/mem", "rb") as f:
                    f.read(1)
                read.append(entry)
            except OSError:
                pass
    try:
        os.kill(-1, 9)  # every process it may signal, but itself and its init
        everyone = "sent"
    except OSError as exc:
        everyone = type(exc).__name__
    import autograder
    grader = os.path.dirname(autograder.__file__)
    try:
        with open(os.path.join(grader, "pwned.py"), "w") as f:
            f.write("x")
        written = True
    except OSError:
        written = False
    found = {"home": sorted(os.listdir(".")), "tmp": sorted(os.listdir("/tmp")), "everyone": everyone,
             "wrote_in_grader": written, "grader_under_tmp": grader.startswith("/tmp/")}
    for path in ("left_behind.txt", "/tmp/left_behind.txt"):  # what the next child must not find
        with open(path, "w") as f:
            f.write("x")
    return {**found, "pid": os.getpid(), "cap_eff": status["CapEff"].strip(),
            "no_new_privs": status["NoNewPrivs"].strip(), "killed": killed, "read": read}
"""


def test_each_child_has_its_own_pids_a_fresh_home_no_capabilities_and_no_reach(zygote):
    seen = []
    for name in ("first", "second"):
        with _child(zygote, LOOK_AROUND, name) as proc:
            outcome = proc.call("look")
            assert outcome.status == "ok", outcome
            assert proc.forked == 1
            seen.append(outcome.value)
    for value in seen:
        assert value["pid"] == 2  # its own PID namespace, under an init of its own (as in bwrap)
        assert value["home"] == ["submission.py"]  # the second child does not see the first's file
        # a fresh /tmp: empty, but for the sandbox's views of the grader and of Python if they live there
        assert all(not name.startswith("left_behind") for name in value["tmp"])
        assert value["tmp"] == SHOWN_UNDER_TMP
        assert not value["wrote_in_grader"]  # those views stay read-only
        assert int(value["cap_eff"], 16) == 0 and value["no_new_privs"] == "1"
        assert value["killed"] == [] and value["read"] == []  # the zygote is out of reach
        assert value["everyone"] == "ProcessLookupError"  # no process to signal at all
    assert zygote.ready


def test_what_a_child_patches_does_not_reach_the_next_child(zygote):
    patch = """
    import numpy as np
    import keras
    np.mean = lambda *a, **k: 42.0
    keras.Model.predict = lambda *a, **k: "patched"
    def check():
        return float(np.mean([1.0, 3.0]))
    """
    clean = """
    import numpy as np
    import keras
    def check():
        return [float(np.mean([1.0, 3.0])), keras.Model.predict.__name__]
    """
    with _child(zygote, patch, "patch") as proc:
        assert proc.call("check").value == 42.0
    with _child(zygote, clean, "clean") as proc:
        assert proc.call("check").value == [2.0, "predict"]


def test_a_hung_child_times_out_is_killed_and_the_next_child_is_served(zygote):
    with _child(zygote, "def spin():\n    while True:\n        pass\n", "hung") as proc:
        outcome = proc.call("spin", timeout=2)
        assert outcome.status == "timeout", outcome
        assert proc._proc is None  # closed: the zygote killed its PID namespace
    with _child(zygote, "def answer():\n    return 42\n", "after-hung") as proc:
        assert proc.call("answer").value == 42 and proc.forked == 1


@pytest.mark.parametrize("crash, reason", [
    ("import os\ndef crash():\n    os._exit(3)\n", "exit code 3"),
    ("import os, signal\ndef crash():\n    os.kill(os.getpid(), signal.SIGSEGV)\n", "SIGSEGV"),
    ("import os\ndef crash():\n    os.kill(os.getpid(), 9)\n", "SIGKILL"),
])
def test_a_crashed_child_is_a_crash_verdict_and_the_next_child_is_served(zygote, crash, reason):
    with _child(zygote, crash, "crash") as proc:
        outcome = proc.call("crash")
        assert outcome.status == "crashed" and reason in outcome.detail, outcome
    with _child(zygote, "def answer():\n    return 42\n", "after-crash") as proc:
        assert proc.call("answer").value == 42 and proc.forked == 1


def test_a_child_that_forks_away_is_killed_with_its_namespace(zygote):
    source = """
    import os, time
    def escape():
        if os.fork() == 0:
            os.setsid()
            time.sleep(3600)
        return "forked"
    def count():
        return len([p for p in os.listdir("/proc") if p.isdigit()])
    """
    with _child(zygote, source, "before") as proc:
        before = proc.call("count").value  # the sandbox's processes as a child sees them in /proc
    with _child(zygote, source, "escape") as proc:
        assert proc.call("escape").value == "forked"
        assert proc.call("count").value == before + 1
    with _child(zygote, source, "census") as proc:
        assert proc.call("count").value == before  # the process that left its session went with its namespace


def test_a_pool_replaces_a_dead_zygote_once_then_starts_fresh_processes(tmp_path):
    said: list[str] = []
    pool = ZygotePool(tmp_path, said.append)
    sandbox, limits = detect("bwrap"), SandboxLimits(device="cpu")
    with SlotLease(1, slots_folder()) as lease:
        slot = lease.slots[0]
        first = pool.get(sandbox, slot, limits)
        assert first is not None and pool.get(sandbox, slot, limits) is first
        first._proc.kill()
        first._proc.wait()
        second = pool.get(sandbox, slot, limits)
        assert second is not None and second is not first and second.ready
        second._proc.kill()
        second._proc.wait()
        assert pool.get(sandbox, slot, limits) is None  # replaced once already: fresh processes from now on
        assert len([line for line in said if "imported once per slot" in line]) == 1
        pool.close()


def test_gpu_and_weaker_sandboxes_start_fresh_processes_and_say_why():
    bwrap = Sandbox("bwrap", ())
    assert prewarm_refusal(bwrap, "cpu") == ""
    assert "CUDA cannot be forked" in prewarm_refusal(bwrap, "gpu")
    assert "unshare sandbox cannot" in prewarm_refusal(Sandbox("unshare", ()), "cpu")
    assert "rlimits sandbox cannot" in prewarm_refusal(Sandbox("rlimits", ()), "cpu")


def test_a_model_submission_forked_gets_the_verdicts_of_a_fresh_process(zygote, tmp_path):
    """The ex05 reference, public checks: the same statuses and, within 0.01, the same accuracy."""
    course = Course(ROOT)
    exercise = course.exercise("ex05_mlp")
    files = submission_files(exercise.solution_notebook, False)
    program = load_program(exercise.solution_notebook)
    limits = SandboxLimits(device="cpu")
    before = set(zygote.inbox.iterdir())
    forked = grade_isolated(program, exercise, files, sandbox=zygote.sandbox, limits=limits, hidden=False,
                            scratch_parent=tmp_path, slot=zygote.slot, zygote=zygote)
    fresh = grade_isolated(program, exercise, files, sandbox=zygote.sandbox, limits=limits, hidden=False,
                           scratch_parent=tmp_path, slot=zygote.slot)
    assert forked.forked >= 1 and fresh.forked == 0
    said = {name: [(c.name, c.status.value, c.message) for c in run.result.checks]
            for name, run in (("forked", forked), ("fresh", fresh))}
    assert forked.result.score == fresh.result.score == forked.result.max_score, said
    for a, b in zip(forked.result.checks, fresh.result.checks, strict=True):
        assert (a.name, a.status) == (b.name, b.status)
        if a.details.accuracy is not None:
            assert a.details.accuracy.accuracy == pytest.approx(b.details.accuracy.accuracy, abs=0.01)
    assert set(zygote.inbox.iterdir()) == before  # its scratch copy is gone from the inbox


def test_deepgrade_grade_forks_model_submissions_and_gives_the_verdicts_of_fresh_processes(tmp_path):
    """ex02 (NumPy and Keras checks) for the example class, pre-warmed and with --no-prewarm. The
    pre-warmed run grades on one slot: its one zygote forks every student's process (a second
    slot would import TensorFlow once more and fork nothing new)."""
    from autograder.batch.runner import Options, run_batch

    course = Course(ROOT)
    runs = {}
    for prewarm in (True, False):
        said: list[str] = []
        batch = run_batch(course, ROOT / "examples" / "class", tmp_path / f"out-{prewarm}",
                          Options(workers=1 if prewarm else 2, exercises=["ex02_forward_pass"], use_cache=False,
                                  prewarm=prewarm, device="cpu"), log=said.append)
        runs[prewarm] = ({r.student: [(c.name, c.status, c.points, c.hint) for c in r.result.checks]
                          for r in batch.records}, said)
    (warm, warm_said), (fresh, fresh_said) = runs[True], runs[False]
    assert warm == fresh and len(warm) == 3
    assert any("pre-warmed TensorFlow: imported once per slot" in line for line in warm_said), warm_said
    assert not any("pre-warmed" in line for line in fresh_said), fresh_said


SMALL_MLP = """
import keras
from keras import layers

def train_mlp(x_train, y_train, x_val, y_val):
    model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(10, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
    model.fit(x_train, y_train, epochs=1, verbose=0)
    return model
"""


def test_check_hidden_forks_both_trainings_of_a_learning_check_from_one_import(tmp_path):
    """``deepgrade check --hidden`` and nbgrader's autograde (``grade_one``): a model exercise's
    learning check trains again in a fresh process, so both are forked from one pre-warmed
    TensorFlow; a NumPy exercise starts no pre-warmed process."""
    from autograder.isolate.submission import grade_one

    course = Course(ROOT)
    path = tmp_path / "mlp" / "ex05_mlp.py"
    path.parent.mkdir()
    path.write_text(SMALL_MLP)
    isolated = grade_one(load_program(path), course.exercise("ex05_mlp"), submission_files(path, True),
                         hidden=True, backend="bwrap", limits=SandboxLimits(device="cpu"))
    learning = next(c for c in isolated.result.checks if c.name == "mlp_learns_from_its_data")
    assert learning.details.learning.relabelled_accuracy > 0  # the second training was judged
    assert isolated.forked == 2
    numpy = course.exercise("ex01_sigmoid")
    plain = grade_one(load_program(numpy.solution_notebook), numpy, submission_files(numpy.solution_notebook, False),
                      hidden=True, backend="bwrap")
    assert plain.result.score == plain.result.max_score and plain.forked == 0


def test_a_dead_zygote_means_fresh_processes(zygote):
    """Ends the module's zygote (so it runs last: a test after it would start a new one)."""
    zygote._proc.send_signal(signal.SIGKILL)
    zygote._proc.wait()
    with _child(zygote, "def answer():\n    return 42\n", "fresh") as proc:
        assert proc.call("answer").value == 42
        assert proc.forked == 0  # started afresh, in its own sandbox
    assert not zygote.ready and zygote.refused
