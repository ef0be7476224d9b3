"""The progress display: a bar with counts and time left on a terminal, plain lines elsewhere."""

from __future__ import annotations

import io

from autograder.batch.progress import Progress
from autograder.results import Record
from autograder.score import CheckResult, ExerciseResult, Status


class Tty(io.StringIO):
    def isatty(self):
        return True


def record(i):
    checks = [CheckResult(name="right", target="f", max_points=1.0, status=Status.PASSED),
              CheckResult(name="wrong", target="f", max_points=1.0, status=Status.FAILED)]
    return Record(student=f"s{i}", result=ExerciseResult(exercise="ex01_sigmoid", checks=checks))


def test_plain_lines_when_not_a_terminal():
    out = io.StringIO()
    p = Progress(4, stream=out)
    p.start(done=1, cached=1)
    for i in range(3):
        p.tick(record(i))
    p.finish()
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("1 submission unchanged")
    assert lines[1].startswith("[2/4] s0 ex01_sigmoid: 1/2") and "ETA" in lines[1]
    assert "\r" not in out.getvalue()
    assert lines[-1].startswith("graded 3, cached 1, of 4")


def test_a_bar_that_redraws_on_a_terminal():
    out = Tty()
    p = Progress(10, stream=out, width=10)
    p.start()
    p.tick(record(0))
    text = out.getvalue()
    assert "\r[#.........] 1/10 (0 cached)" in text and "ETA" in text and "/min" in text
    assert p.eta() is not None and p.eta() >= 0
