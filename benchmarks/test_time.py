"""Benchmark: how long the test suite takes, whole and file by file, and its fast part.

What it answers: whether `make test` stays under 15 minutes and `make test-fast` under 2 on a
two-core machine, and which test files to look at first when it does not. It runs pytest the
way the Makefile does (``-n 2 --dist loadfile``), reads pytest's JUnit XML, and writes
docs/test-time.md: the wall time of each run, the number of tests, and every file's time
(setup, call and teardown of its tests summed: with ``loadfile`` a file runs on one worker,
so this is the time it holds that worker). The whole run's per-module seconds also go to
tests/module_seconds.json, from which tests/conftest.py orders the modules, the longest first.

    python benchmarks/test_time.py                   # both runs, then docs/test-time.md
    python benchmarks/test_time.py --only fast       # the `-m "not slow"` part only
    python benchmarks/test_time.py --from-xml run.xml --wall 1260   # a run made elsewhere

Run it on a quiet machine: other processes on the same cores lengthen every number.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "test-time.md"
#: Each module's seconds in the whole run: tests/conftest.py starts the longest first.
MODULE_SECONDS = ROOT / "tests" / "module_seconds.json"
#: The goals (issue: `make test` under 15 minutes, `make test-fast` under 2, on two cores).
GOALS = {"all": 15 * 60.0, "fast": 2 * 60.0}
SELECTIONS = {"all": [], "fast": ["-m", "not slow"]}


@dataclass
class Run:
    """One pytest run: its wall time, its outcome counts and each file's seconds."""
    name: str
    wall: float
    exit_code: int
    #: The 1-minute load average when the run started: above the core count, other work shared the cores.
    load: float | None = None
    counts: dict[str, int] = field(default_factory=dict)
    files: dict[str, float] = field(default_factory=dict)
    tests: dict[str, int] = field(default_factory=dict)


def read_junit(path: Path, name: str, wall: float, exit_code: int) -> Run:
    """Per-file seconds and counts from pytest's JUnit XML (``classname`` is the module's dotted path)."""
    run = Run(name, wall, exit_code)
    files: dict[str, float] = defaultdict(float)
    tests: dict[str, int] = defaultdict(int)
    counts: dict[str, int] = defaultdict(int)
    for case in ET.parse(path).getroot().iter("testcase"):
        module = case.get("classname", "").split(".")
        # tests.test_foo.TestBar -> tests/test_foo.py
        parts = [p for p in module if not p[:1].isupper()]
        file = "/".join(parts) + ".py" if parts else "?"
        files[file] += float(case.get("time") or 0.0)
        tests[file] += 1
        outcome = next((child.tag for child in case if child.tag in ("failure", "error", "skipped")), "passed")
        counts[outcome] += 1
    run.files, run.tests, run.counts = dict(files), dict(tests), dict(counts)
    return run


def run_pytest(name: str, workers: int, xml: Path) -> Run:
    """Run the selection ``name`` as the Makefile does and time it."""
    command = [sys.executable, "-m", "pytest", "-q", "-n", str(workers), "--dist", "loadfile",
               f"--junitxml={xml}", *SELECTIONS[name]]
    env = {**os.environ, "DEEPGRADE_DATA": os.environ.get("DEEPGRADE_DATA", str(ROOT.parent / "shared" / "data")),
           "DEEPGRADE_OFFLINE": os.environ.get("DEEPGRADE_OFFLINE", "1")}
    print("$", " ".join(command), flush=True)
    load, started = os.getloadavg()[0], time.monotonic()
    code = subprocess.call(command, cwd=ROOT, env=env)
    run = read_junit(xml, name, time.monotonic() - started, code)
    run.load = load
    return run


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min ({seconds:.0f} s)"


def render(runs: list[Run], workers: int) -> str:
    """docs/test-time.md: the machine, each run against its goal, then the files slowest first."""
    lines = ["# How long the tests take", "",
             "Measured by `python benchmarks/test_time.py` "
             f"on {datetime.date.today().isoformat()}: {os.cpu_count()} cores, {platform.machine()}, "
             f"Python {platform.python_version()}, pytest on {workers} workers (`--dist loadfile`, as `make test`).",
             "A file's time is the sum of its tests' setup, call and teardown: the time it holds one worker.",
             "", "| run | selection | wall time | goal | load at start | tests | passed | failed | skipped |",
             "|---|---|---|---|---|---|---|---|---|"]
    for run in runs:
        target = "make test" if run.name == "all" else "make test-fast"
        selection = " ".join(SELECTIONS[run.name]) or "everything"
        failed = run.counts.get("failure", 0) + run.counts.get("error", 0)
        verdict = "met" if run.wall <= GOALS[run.name] else "missed"
        load = "?" if run.load is None else f"{run.load:.1f}"
        lines.append(f"| `{target}` | `{selection}` | {_minutes(run.wall)} | {_minutes(GOALS[run.name])}: {verdict} "
                     f"| {load} | {sum(run.counts.values())} | {run.counts.get('passed', 0)} | {failed} "
                     f"| {run.counts.get('skipped', 0)} |")
    for run in runs:
        total = sum(run.files.values()) or 1.0
        lines += ["", f"## Files of `{'make test' if run.name == 'all' else 'make test-fast'}`, slowest first", "",
                  "| file | tests | seconds | share |", "|---|---|---|---|"]
        for file, seconds in sorted(run.files.items(), key=lambda kv: -kv[1]):
            lines.append(f"| {file} | {run.tests[file]} | {seconds:.1f} | {100 * seconds / total:.0f}% |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=sorted(SELECTIONS), help="run one selection only")
    parser.add_argument("--workers", type=int, default=2, help="pytest-xdist workers (make test: 2)")
    parser.add_argument("--from-xml", type=Path, help="read a JUnit XML of a whole run instead of running")
    parser.add_argument("--wall", type=float, help="with --from-xml: that run's wall time in seconds")
    parser.add_argument("--out", type=Path, default=DOC, help="where to write (default docs/test-time.md)")
    args = parser.parse_args(argv)
    if args.from_xml:
        if args.wall is None:
            parser.error("--from-xml needs --wall (the run's wall time in seconds)")
        runs = [read_junit(args.from_xml, args.only or "all", args.wall, 0)]
    else:
        names = [args.only] if args.only else ["fast", "all"]
        runs = [run_pytest(name, args.workers, Path(f"/tmp/test-time-{name}.xml")) for name in names]
    args.out.write_text(render(runs, args.workers))
    whole = next((run for run in runs if run.name == "all"), None)
    if whole is not None and args.out == DOC:
        seconds = {Path(file).stem: round(t, 1) for file, t in sorted(whole.files.items(), key=lambda kv: -kv[1])}
        MODULE_SECONDS.write_text(json.dumps(seconds, indent=1) + "\n")
        print(f"wrote {MODULE_SECONDS}")
    for run in runs:
        print(f"{run.name}: {_minutes(run.wall)}, exit {run.exit_code}, {run.counts}")
    print(f"wrote {args.out}")
    return max(run.exit_code for run in runs)


if __name__ == "__main__":
    raise SystemExit(main())
