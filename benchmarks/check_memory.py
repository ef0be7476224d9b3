"""Benchmark: the memory and time one `deepgrade check --hidden` takes, over all its processes
(the grader, the sandboxed student process, the reference's), sampled every 0.2 s from /proc.

What it answers: the machine size a hosted autograder (Gradescope's run_autograder runs exactly
this command) needs for an exercise. RSS is summed over the process tree, so shared pages count
more than once: an upper bound.

    python benchmarks/check_memory.py ex05_mlp [--notebook solutions/ex05_mlp/ex05_mlp.ipynb]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            kids.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry))
    return kids


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def measure(command: list[str]) -> tuple[int, float, int, int]:
    """(exit code, wall seconds, peak RSS of the tree in KiB, peak RSS of one process in KiB)."""
    started = time.monotonic()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tree_peak = one_peak = 0
    while proc.poll() is None:
        kids, todo, pids = _children(), [proc.pid], []
        while todo:
            pid = todo.pop()
            pids.append(pid)
            todo += kids.get(pid, [])
        sizes = [_rss_kib(p) for p in pids]
        tree_peak, one_peak = max(tree_peak, sum(sizes)), max(one_peak, max(sizes, default=0))
        time.sleep(0.2)
    return proc.returncode, time.monotonic() - started, tree_peak, one_peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exercise")
    parser.add_argument("--notebook", help="the submission (default: the reference notebook)")
    args = parser.parse_args()
    notebook = args.notebook or str(ROOT / "solutions" / args.exercise / f"{args.exercise}.ipynb")
    code, wall, tree, one = measure([sys.executable, "-m", "autograder.cli", "check", notebook, "-e", args.exercise,
                                     "--hidden", "--course", str(ROOT)])
    print(f"{args.exercise}: exit {code}, {wall:.0f} s, peak {tree / 1024:.0f} MiB over all processes "
          f"({one / 1024:.0f} MiB in the largest), {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
