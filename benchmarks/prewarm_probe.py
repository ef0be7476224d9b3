"""What does a student's process cost to start, and can TensorFlow's import be shared?

Measures, on this machine:

1. starting a student's process and loading a trivial submission: plain, and in
   each sandbox backend (bwrap, unshare), NumPy only;
2. ``import tensorflow`` (and keras) in a fresh process;
3. a pre-warmed "zygote": a process that imported TensorFlow forks a child per
   submission, and each child builds and trains a tiny Keras model. Counts the
   children that finish, hang or crash (TensorFlow is not fork-safe once its
   runtime has started; the import alone may or may not be).

    python benchmarks/prewarm_probe.py [--children 10]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder.isolate.backends import SandboxLimits, available, detect  # noqa: E402
from autograder.isolate.process import SandboxedProcess  # noqa: E402
from autograder.load import program_from_sources  # noqa: E402
from autograder.run.session import StudentProcess  # noqa: E402

TRAIN = """
import numpy as np, keras
keras.utils.set_random_seed(0)
x = np.random.default_rng(0).normal(size=(256, 8)).astype("float32"); y = (x.sum(1) > 0).astype("int64")
m = keras.Sequential([keras.Input((8,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(2, activation="softmax")])
m.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
h = m.fit(x, y, epochs=3, verbose=0)
print(json.dumps({"acc": float(h.history["accuracy"][-1])}))
"""


def time_start(make, repeats: int = 5) -> list[float]:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        with make() as proc:
            out = proc.get("x")
            assert out.status == "ok", out
        times.append(time.perf_counter() - t)
    return times


def startup() -> dict[str, list[float]]:
    program = program_from_sources(["import numpy as np\nx = 1"])
    results = {"plain": time_start(lambda: StudentProcess(program))}
    scratch = Path(tempfile.mkdtemp(prefix="probe-", dir="/var/tmp"))
    for backend in ("bwrap", "unshare"):
        if not available(backend).works:
            continue
        sandbox = detect(backend)
        sandbox.prepare_scratch(scratch, 0)
        results[backend] = time_start(lambda: SandboxedProcess(program, sandbox=sandbox, scratch=scratch,
                                                               limits=SandboxLimits()))
    shutil.rmtree(scratch, ignore_errors=True)
    return results


def tf_import(repeats: int = 3) -> list[float]:
    code = "import time; t=time.perf_counter(); import tensorflow, keras; print(time.perf_counter()-t)"
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0", "CUDA_VISIBLE_DEVICES": "-1"}
    return [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                                 check=True).stdout.strip().splitlines()[-1]) for _ in range(repeats)]


def zygote(children: int, timeout: float = 60.0) -> dict:
    """Import TensorFlow once, then fork a child per 'submission' that trains a tiny model."""
    code = f"""
import os, sys, time, json, signal
os.environ.update(TF_CPP_MIN_LOG_LEVEL="3", TF_ENABLE_ONEDNN_OPTS="0", CUDA_VISIBLE_DEVICES="-1")
t = time.perf_counter(); import tensorflow, keras; imported = time.perf_counter() - t
stats = {{"import": imported, "ok": 0, "hung": 0, "crashed": 0, "child_seconds": []}}
for i in range({children}):
    r, w = os.pipe()
    t = time.perf_counter(); pid = os.fork()
    if pid == 0:
        os.close(r); os.dup2(w, 1)
        try:
            exec({TRAIN!r}); os._exit(0)
        except BaseException as e:
            print(repr(e)); os._exit(1)
    os.close(w)
    deadline = time.monotonic() + {timeout}
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done: break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL); os.waitpid(pid, 0); status = None; break
        time.sleep(0.02)
    out = os.read(r, 65536).decode(errors="replace"); os.close(r)
    if status is None: stats["hung"] += 1
    elif status == 0 and '"acc"' in out: stats["ok"] += 1; stats["child_seconds"].append(time.perf_counter() - t)
    else: stats["crashed"] += 1; stats.setdefault("errors", []).append(out[-300:])
print(json.dumps(stats))
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=timeout * (children + 2))
    return json.loads(proc.stdout.strip().splitlines()[-1])


def fresh_train(repeats: int = 3) -> list[float]:
    code = ("import time, json, os; t=time.perf_counter()\n" + TRAIN + "\nprint(time.perf_counter()-t)")
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0", "CUDA_VISIBLE_DEVICES": "-1"}
    return [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                                 check=True).stdout.strip().splitlines()[-1]) for _ in range(repeats)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=10)
    args = parser.parse_args()
    med = lambda xs: f"{statistics.median(xs):.3f} s (n={len(xs)}, min {min(xs):.3f}, max {max(xs):.3f})"  # noqa: E731
    for name, times in startup().items():
        print(f"start + load, {name:8}: {med(times)}")
    print(f"import tensorflow+keras, fresh process: {med(tf_import())}")
    print(f"import + tiny fit, fresh process:       {med(fresh_train())}")
    z = zygote(args.children)
    print(f"zygote: import once {z['import']:.2f} s; {args.children} forked children: ok {z['ok']}, "
          f"hung {z['hung']}, crashed {z['crashed']}"
          + (f"; tiny fit per child {med(z['child_seconds'])}" if z["child_seconds"] else ""))
    for e in z.get("errors", [])[:2]:
        print("  child error:", e)


if __name__ == "__main__":
    main()
