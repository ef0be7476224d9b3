"""Held-out process-level attacks, graded in ``deepgrade grade --workers 1`` class runs: every
saboteur shares its slot with ordinary students graded before and after it, once with fresh
sandboxed processes (ex01, NumPy) and once forked from the slot's pre-warmed process (ex02, Keras).

A student's code must never be able to pass for the grader's failure: a grader failure is
retried, never cached, and makes the run exit 1, so a submission that could fake one would stop
the class's exit 0 and dodge its own verdict. The attacks: the exit code the grader once read as
"a signal from outside", SIGTERM sent by an orphaned grandchild (whose parent chain no longer
leads back to the student's process), forged and malformed protocol frames written on the
reply pipe, and kernel keyrings, which outlive the sandbox and are shared by the slot's user.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from autograder.isolate.backends import available

ROOT = Path(__file__).resolve().parents[1]
GOOD = (ROOT / "tests" / "hostile" / "_good.py").read_text()

#: The reply pipe is the worker's second argument (fd 4 in a pre-warmed child).
REPLY_FD = "int(__import__('sys').argv[2])"

SABOTEURS = {
    # the worker once exited 86 on a signal from outside, and the grader took 86 for its own failure
    "b_exit86_load": "import os\nos._exit(86)\n" + GOOD,
    "c_exit86_call": GOOD + "\nimport os\n\ndef sigmoid(z):\n    os._exit(86)\n",
    # SIGTERM from a grandchild orphaned to the sandbox's init: its parent chain breaks at PID 1.
    # The call waits until the grandchild, once orphaned, has sent it (not a second's sleep per call).
    "d_orphan_sigterm": GOOD + """
import os, signal, time

_right = sigmoid

def sigmoid(z):
    me = os.getpid()
    sent_r, sent_w = os.pipe()
    if os.fork() == 0:
        parent = os.getpid()
        if os.fork() == 0:
            try:
                while os.getppid() == parent:  # until its parent has exited: orphaned
                    time.sleep(0.001)
                os.kill(me, signal.SIGTERM)
            finally:
                os.write(sent_w, b"x")
                os._exit(0)
        os._exit(0)
    os.wait()
    os.read(sent_r, 1)  # sent while this call runs
    os.close(sent_r)
    os.close(sent_w)
    time.sleep(0.05)
    return _right(z)
""",
    # a frame whose JSON header nests 200,000 lists (the grader's json.loads recursion)
    "e_deep_frame": GOOD + f"""
import os, struct, time

def sigmoid(z):
    header = b"[" * 200_000
    os.write({REPLY_FD}, struct.pack(">I", len(header)) + header + struct.pack(">I", 0))
    time.sleep(5)
""",
    # a frame that says a buffer of 2**62 bytes follows
    "f_huge_frame": GOOD + f"""
import os, struct, time

def sigmoid(z):
    header = b'{{"status": "ok"}}'
    os.write({REPLY_FD}, struct.pack(">I", len(header)) + header + struct.pack(">I", 1) + struct.pack(">Q", 1 << 62))
    time.sleep(5)
""",
    # forged answers written ahead of the grader's questions, then the process carries on
    "g_forged_answers": GOOD + f"""
import os
from autograder.run.protocol import encode_frame

for _ in range(40):
    os.write({REPLY_FD}, encode_frame({{"status": "ok", "value": 0.5}}))
""",
}


#: add_key and request_key on this machine (the keyring attack is left out elsewhere).
KEY_CALLS = {"x86_64": (248, 249), "aarch64": (217, 218)}.get(platform.machine())
KEYRING = """
import ctypes
_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long
"""


def keyring_saboteurs(marker: str) -> dict[str, str]:
    """A key added to the slot user's keyring by one student, and a later student of the same
    slot who reads it: its p_fake is wrong when the key is found."""
    if KEY_CALLS is None:
        return {}
    add, request = KEY_CALLS
    return {
        "h_keyring_writer": GOOD + KEYRING + f'_libc.syscall({add}, b"user", b"{marker}", b"answers", 7, '
                                            "ctypes.c_long(-4))\n",
        "i_keyring_reader": GOOD + KEYRING + f'if _libc.syscall({request}, b"user", b"{marker}", None, '
                                            "ctypes.c_long(0)) > 0:\n    p_fake = 0.0\n",
    }


def _put(klass: Path, student: str, text: str) -> None:
    path = klass / student / "ex01_sigmoid" / "ex01_sigmoid.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("heldout-process")
    klass, out = base / "class", base / "out"
    _put(klass, "a_right", GOOD)
    for student, text in {**SABOTEURS, **keyring_saboteurs(f"deepgrade-{uuid.uuid4().hex[:8]}")}.items():
        _put(klass, student, text)
    _put(klass, "z_right", GOOD)
    proc = subprocess.run([sys.executable, "-m", "autograder.cli", "grade", str(klass), "--out", str(out),
                           "--workers", "1", "--course", str(ROOT), "--exercise", "ex01_sigmoid"],
                          capture_output=True, text=True, timeout=600, cwd=ROOT,
                          env={**os.environ, "DEEPGRADE_OFFLINE": "1"})
    records = {r["student"]: r for r in json.loads((out / "results.json").read_text())["submissions"]}
    return {"proc": proc, "records": records}


@pytest.fixture(scope="module")
def prewarmed(tmp_path_factory):
    """The same attacks on a model exercise: each process is forked from the slot's zygote."""
    from test_grade_failures import _ex02_source  # the right ex02 code

    if not available("bwrap").works:
        pytest.skip(f"the pre-warmed process needs bwrap: {available('bwrap').why}")
    right = _ex02_source()
    base = tmp_path_factory.mktemp("heldout-prewarmed")
    klass, out = base / "class", base / "out"
    keys = keyring_saboteurs(f"deepgrade-{uuid.uuid4().hex[:8]}")
    students = {"a_right": right, "b_exit86_load": "import os\nos._exit(86)\n" + right,
                "c_exit86_call": right + "\nimport os\n\ndef build_keras_no_hidden():\n    os._exit(86)\n",
                "z_right": right}
    if keys:
        students["d_keyring_writer"] = right + keys["h_keyring_writer"].removeprefix(GOOD)
        students["e_keyring_reader"] = right + keys["i_keyring_reader"].removeprefix(GOOD).replace(
            "p_fake = 0.0", "build_keras_no_hidden = None")
    for student, text in students.items():
        path = klass / student / "ex02_forward_pass" / "ex02_forward_pass.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    proc = subprocess.run([sys.executable, "-m", "autograder.cli", "grade", str(klass), "--out", str(out),
                           "--workers", "1", "--course", str(ROOT), "--public-only"],
                          capture_output=True, text=True, timeout=900, cwd=ROOT,
                          env={**os.environ, "DEEPGRADE_OFFLINE": "1"})
    records = {r["student"]: r for r in json.loads((out / "results.json").read_text())["submissions"]}
    return {"proc": proc, "records": records}


def test_forked_from_the_zygote_no_exit_code_passes_for_the_graders_failure(prewarmed):
    proc, records = prewarmed["proc"], prewarmed["records"]
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "imported once per slot" in proc.stderr  # forked from the pre-warmed process
    for student, record in records.items():
        assert "grader_failure" not in record and "grader_tries" not in record, (student, record)
    for student in ("a_right", "z_right", "d_keyring_writer", "e_keyring_reader"):
        if student in records:
            assert records[student]["score"] == records[student]["max_score"] == 11, records[student]["checks"]
    assert records["b_exit86_load"]["score"] == 0
    assert "exit code 86" in records["b_exit86_load"]["checks"][0]["message"]
    call = _statuses(records["c_exit86_call"])
    assert call["keras_no_hidden_course"] == "error" and call["predict_hidden_course"] == "passed"


def _statuses(record: dict) -> dict[str, str]:
    return {c["name"]: c["status"] for c in record["checks"]}


def test_the_class_run_ends_with_exit_0_and_no_grader_failure(graded):
    proc = graded["proc"]
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "GRADER ERROR" not in proc.stdout
    for student, record in graded["records"].items():
        assert "grader_failure" not in record and "grader_tries" not in record, (student, record)


def test_students_before_and_after_the_saboteurs_keep_full_marks(graded):
    for student in ("a_right", "z_right"):
        assert graded["records"][student]["score"] == graded["records"][student]["max_score"] == 12


def test_an_exit_code_of_the_students_own_is_its_verdict(graded):
    load = graded["records"]["b_exit86_load"]
    assert load["score"] == 0 and "exit code 86" in load["checks"][0]["message"], load["checks"][0]
    call = _statuses(graded["records"]["c_exit86_call"])
    assert call["sigmoid_values"] == "error" and call["p_fake_value"] == "passed"


def test_a_signal_from_an_orphaned_grandchild_costs_the_grader_nothing(graded):
    record = graded["records"]["d_orphan_sigterm"]
    assert _statuses(record)["p_fake_value"] == "passed"


def test_no_key_one_student_adds_reaches_a_later_one(graded):
    if KEY_CALLS is None:
        pytest.skip(f"no keyring system call numbers known for {platform.machine()}")
    assert graded["records"]["h_keyring_writer"]["score"] == 12  # the call fails; the code goes on
    assert graded["records"]["i_keyring_reader"]["score"] == 12, graded["records"]["i_keyring_reader"]["checks"]


def test_malformed_and_forged_frames_cost_only_their_own_checks(graded):
    for student in ("e_deep_frame", "f_huge_frame"):
        statuses = _statuses(graded["records"][student])
        assert statuses["sigmoid_values"] in ("error", "failed") and statuses["p_fake_value"] == "passed", student
    forged = graded["records"]["g_forged_answers"]
    assert forged["score"] < forged["max_score"]  # 0.5 for every question is no right answer


DAEMON = GOOD + """
import os, time
if os.fork() == 0:  # a daemon in a session of its own: outside the process group the grader kills
    os.setsid()
    if os.fork() == 0:
        time.sleep(300)
    os._exit(0)
"""


@pytest.mark.skipif(os.geteuid() != 0, reason="as another user the rlimits sandbox runs code as that user")
def test_the_rlimits_sandbox_as_root_runs_code_as_the_slot_user_and_leaves_nothing_running(tmp_path):
    """Where neither bwrap nor unshare works (a container without user namespaces, as on a hosted
    autograder), the rlimits sandbox ran a student's code as root: it could rewrite the grader,
    the results and every other student's files, and a daemon it left could go on doing so."""
    from conftest import HeldSlots
    from test_grade_hostile import leftover_processes

    klass, out = tmp_path / "class", tmp_path / "out"
    _put(klass, "a_right", GOOD)
    _put(klass, "b_root", GOOD + "\nimport os\nif os.geteuid() == 0:\n    p_fake = 0.0  # root: the mark says so\n")
    _put(klass, "c_daemon", DAEMON)
    _put(klass, "z_right", GOOD)
    grader = subprocess.Popen([sys.executable, "-m", "autograder.cli", "grade", str(klass), "--out", str(out),
                               "--workers", "1", "--sandbox", "rlimits", "--course", str(ROOT), "--exercise",
                               "ex01_sigmoid"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                              env={**os.environ, "DEEPGRADE_OFFLINE": "1"})
    held = HeldSlots(grader.pid)
    try:
        stdout, stderr = grader.communicate(timeout=600)
    finally:
        grader.kill()
        slots = held.stop()
    assert grader.returncode == 0, stdout[-2000:] + stderr[-2000:]
    records = {r["student"]: r for r in json.loads((out / "results.json").read_text())["submissions"]}
    for student in ("a_right", "b_root", "c_daemon", "z_right"):
        assert records[student]["score"] == records[student]["max_score"] == 12, (student, records[student])
    assert slots and leftover_processes(slots, wait=5.0) == [], "the daemon outlived its student's grading"
