"""Sandbox backends are declarations: a registered backend is chosen, wraps the student's
process and says why when it cannot run; the folders hidden for the data sets come from the
data sets' own manifest, not from the sandbox."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from autograder.isolate import backends
from autograder.isolate.backends import (
    PROTECTIONS,
    Availability,
    Backend,
    SandboxLimits,
    backend_names,
    detect,
    get_backend,
    register_backend,
)
from autograder.isolate.process import SandboxedProcess
from autograder.load import program_from_sources


class Marking(Backend):
    """Runs the process under ``env`` with a marker variable: the prefix is seen to be used."""

    name = "marking-test"

    def __init__(self, works: bool = True):
        self.works = works

    def available(self) -> Availability:
        return Availability(True) if self.works else Availability(False, "the marking tool is not installed")

    def claims(self, *, hides_paths: bool) -> tuple[str, ...]:
        return ("rlimits", "scratch_cap")

    def wrap(self, sandbox, scratch, slot, limits) -> list[str]:
        return ["env", "DEEPGRADE_MARKED=yes"]


@pytest.fixture
def registered(monkeypatch):
    """Register backends for one test only (the registry and the probe cache are restored)."""
    monkeypatch.setattr(backends, "_BACKENDS", dict(backends._BACKENDS))
    backends.available.cache_clear()
    yield register_backend
    backends.available.cache_clear()


def test_the_built_in_backends_best_first():
    assert backend_names()[:3] == ("bwrap", "unshare", "rlimits")
    assert get_backend("bwrap").seeded_home and get_backend("bwrap").forks_children
    assert not get_backend("rlimits").seeded_home and not get_backend("unshare").forks_children
    # as root, rlimits still drops the code to the slot's own user (never runs it as root)
    as_root = os.geteuid() == 0 and shutil.which("setpriv") is not None
    assert detect("rlimits").protections == (("unprivileged_user", "rlimits") if as_root else ("rlimits",))


def test_a_registered_backend_is_chosen_and_runs_the_student_process(registered, tmp_path):
    registered(Marking())
    sandbox = detect("marking-test")
    assert sandbox.name == "marking-test" and sandbox.protections == ("rlimits", "scratch_cap")
    assert "MISSING" in sandbox.describe() and PROTECTIONS["network"] in sandbox.describe()
    program = program_from_sources(["import os\ndef marked():\n    return os.environ.get('DEEPGRADE_MARKED')\n"])
    proc = SandboxedProcess(program, sandbox=sandbox, scratch=tmp_path, limits=SandboxLimits(call_timeout=30))
    try:
        outcome = proc.call("marked")
    finally:
        proc.close()
    assert outcome.value == "yes", outcome


def test_a_backend_that_cannot_run_says_why(registered):
    registered(Marking(works=False))
    assert backends.available("marking-test") == Availability(False, "the marking tool is not installed")
    with pytest.raises(RuntimeError, match="marking-test: the marking tool is not installed"):
        detect("marking-test")


def test_a_backend_name_is_registered_once(registered):
    registered(Marking())
    with pytest.raises(ValueError, match="new name"):
        register_backend(Marking())
    with pytest.raises(ValueError, match="no sandbox backend 'nonesuch'"):
        get_backend("nonesuch")


def test_the_hidden_package_data_is_what_the_data_sets_declare(monkeypatch):
    import json

    import deepgrade_datasets.private as private

    declared = {"digits": {"package": "json", "path": "data/digits.csv"},
                "local": {"file": "local.txt"}}
    monkeypatch.setattr(private, "data_sets", lambda: declared)
    monkeypatch.setattr(Path, "is_dir", lambda self: True)
    json_dir = Path(json.__file__).parent
    assert backends.package_data_dirs() == [json_dir / "data"]
    sandbox = detect("rlimits", hide=(Path("/course"),))
    assert sandbox.hidden_paths()[0] == Path("/course") and json_dir / "data" in sandbox.hidden_paths()
    assert json_dir / "data" not in detect("rlimits", show_data=True).hidden_paths()
