"""Killed with SIGKILL halfway, `deepgrade grade` resumes: finished results are kept and
not graded again, none is lost or corrupted, and the end result equals a clean run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder.report.text import plural

ROOT = Path(__file__).resolve().parents[1]
GOOD = (ROOT / "tests" / "hostile" / "_good.py").read_text()
#: A submission that takes a moment (4 sigmoid calls of 0.1 s, plus its process's start): a kill
#: after the first few results lands mid-batch.
SLOW = GOOD.replace("def sigmoid(z):\n", "def sigmoid(z):\n    import time; time.sleep(0.1)\n")


def make_class(folder: Path, n: int = 8) -> None:
    for i in range(n):
        text = SLOW if i % 2 == 0 else SLOW.replace("sigmoid(X @ W + b)", "sigmoid(X @ W)")
        path = folder / f"s{i:02d}" / "ex01_sigmoid" / "ex01_sigmoid.py"
        path.parent.mkdir(parents=True)
        path.write_text(f"# student {i}\n" + text)  # distinct files, distinct cache keys


def grade(klass: Path, out: Path, workers: int = 1, scratch: Path | None = None) -> subprocess.Popen:
    """``deepgrade grade``, its scratch folders in ``scratch`` (this test's own: another run on the
    machine neither sees nor cleans them up)."""
    env = {**os.environ, **({"DEEPGRADE_SCRATCH": str(scratch)} if scratch else {})}
    return subprocess.Popen([sys.executable, "-m", "autograder.cli", "grade", str(klass), "--out", str(out),
                             "--workers", str(workers), "--course", str(ROOT), "--public-only"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            start_new_session=True, env=env)


def scores(out: Path) -> dict[tuple[str, str], float]:
    data = json.loads((out / "results.json").read_text())
    return {(r["student"], r["exercise"]): r["score"] for r in data["submissions"]}


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> dict[tuple[str, str], float]:
    """The points of one uninterrupted parallel run of the class (the same for every case below)."""
    base = tmp_path_factory.mktemp("clean")
    make_class(base / "class")
    proc = grade(base / "class", base / "out", workers=2)
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr
    return scores(base / "out")


@pytest.mark.parametrize("workers", [1, 2])
def test_sigkill_mid_batch_then_rerun_resumes(tmp_path, workers, clean):
    klass, out, scratch = tmp_path / "class", tmp_path / "out", tmp_path / "scratch"
    make_class(klass)
    scratch.mkdir()
    proc = grade(klass, out, workers, scratch)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        done = list((out / "cache").glob("*.json")) if (out / "cache").is_dir() else []
        if len(done) >= 3:
            break
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)  # the grader only: its workers and sandboxes must follow
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL

    finished = {p.name: json.loads(p.read_text()) for p in (out / "cache").glob("*.json")}  # all parse
    assert 3 <= len(finished) < 8, "the kill did not land mid-batch"
    assert not (out / "results.json").exists()
    deadline = time.monotonic() + 15  # their sandboxes die with the grader (dying takes a moment under load)
    while True:
        sandboxed = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _in_scratch(p, scratch)]
        if not sandboxed or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert sandboxed == [], ("student processes outlived the killed grader", [_cmd(p)[:200] for p in sandboxed])
    graders = [p for p in Path("/proc").iterdir() if p.name.isdigit() and str(out) in _cmd(p)]
    assert graders == [], "grading workers outlived the killed grader"

    stale = list(scratch.glob(f"deepgrade-{proc.pid}-*"))
    assert stale, "the killed grader left no scratch folder: the cleanup below would prove nothing"
    rerun = grade(klass, out, workers, scratch)
    stdout, stderr = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, stderr
    assert not any(p.exists() for p in stale), "the killed grader's scratch folder was not cleaned up"
    assert f"{plural(len(finished), 'submission')} unchanged since the last run" in stderr
    assert f"{8 - len(finished)} graded, {len(finished)} from the cache" in stdout
    for name, record in finished.items():  # kept as they were
        assert json.loads((out / "cache" / name).read_text()) == record

    assert scores(out) == clean  # a parallel run without a kill gives the same points
    assert len(scores(out)) == 8

    # an unchanged class is served from the cache entirely; a changed submission is graded again
    (klass / "s01" / "ex01_sigmoid" / "ex01_sigmoid.py").write_text("# student 1, fixed\n" + SLOW)
    again = grade(klass, out)
    stdout, _ = again.communicate(timeout=300)
    assert "1 graded, 7 from the cache" in stdout
    assert clean[("s01", "ex01_sigmoid")] == 4
    assert scores(out)[("s01", "ex01_sigmoid")] == 6


def _cmd(p: Path) -> str:
    try:
        return (p / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _in_scratch(p: Path, scratch: Path) -> bool:
    """A process of this test's grading runs: a sandbox started on one of its scratch folders
    (bwrap and unshare name it), or a student's process working in one (rlimits)."""
    try:
        cwd = os.readlink(p / "cwd")
    except OSError:
        cwd = ""
    return str(scratch) in _cmd(p) or cwd.startswith(str(scratch) + "/")
