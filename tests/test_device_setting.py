"""The device setting travels as a parameter (``Limits.device``), never through the grader's
own environment: two gradings in one process may ask for different devices."""

from __future__ import annotations

import os
from pathlib import Path

from autograder.isolate.backends import SandboxLimits, detect
from autograder.isolate.process import SandboxedProcess
from autograder.load import program_from_sources
from autograder.run.session import Limits, StudentProcess

PROGRAM = program_from_sources(["x = 1"])


def test_the_student_process_gets_the_device_it_was_given_not_the_graders(monkeypatch):
    monkeypatch.setenv("DEEPGRADE_DEVICE", "gpu")
    cpu = StudentProcess(PROGRAM, limits=Limits(device="cpu"))
    assert cpu.env["DEEPGRADE_DEVICE"] == "cpu" and cpu.env["CUDA_VISIBLE_DEVICES"] == "-1"
    default = StudentProcess(PROGRAM)
    assert default.env["DEEPGRADE_DEVICE"] == "gpu"  # none given: the documented variable
    assert os.environ["DEEPGRADE_DEVICE"] == "gpu"  # and the grader's own is untouched


def test_the_sandboxed_process_keeps_the_device_of_its_limits(tmp_path: Path):
    sandbox = detect("auto", hide=())
    proc = SandboxedProcess(PROGRAM, sandbox=sandbox, scratch=tmp_path, limits=SandboxLimits(device="cpu"))
    assert proc.env["DEEPGRADE_DEVICE"] == "cpu" and proc.env["CUDA_VISIBLE_DEVICES"] == "-1"
    upgraded = SandboxedProcess(PROGRAM, sandbox=sandbox, scratch=tmp_path, limits=Limits(device="cpu"))
    assert upgraded.env["DEEPGRADE_DEVICE"] == "cpu"
