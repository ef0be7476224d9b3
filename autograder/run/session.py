"""The grader's side of the boundary: a student's process it can call, time out and restart.

Every request has a wall-clock deadline. When the process hangs, crashes or
exits, the request gets a verdict (``timeout`` or ``crashed``) and the next
request starts a fresh process, so one broken function never costs the
points of the others.

What is not the student's code's doing is no verdict: a process that ends or
hangs before it says ``started`` (the student's code has not run yet) raises
:class:`~autograder.run.failure.GraderFailure`. A signal from outside changes
nothing (:mod:`autograder.run.signals`); how the process ended once the student's
code ran (any exit code) is the code's verdict, since the code can fake any.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from ..details import Details
from ..load import Program
from ..quiet import QUIET_ENV
from .device import device_env
from .failure import GraderFailure, Stage
from .protocol import Closed, FrameReader, ProtocolError, Timeout, write_frame
from .signals import block_outside_signals

#: How much of the student's printed output is kept for messages.
OUTPUT_KEEP = 4096
#: Seconds a closed process's pipes are given to reach their end (something the student
#: started outside the process's group may hold them open; what came by then is kept).
DRAIN_WAIT = 5.0


class OutcomeStatus(str, Enum):
    """How a request to the student's process ended: the worker's answer, or what the grader saw."""

    OK = "ok"
    RAISED = "raised"  # the student's code raised (``Outcome.error`` says what)
    MISSING = "missing"  # no such name in the submission
    NOT_CALLABLE = "not_callable"
    TIMEOUT = "timeout"  # past the request's deadline: the process was stopped
    CRASHED = "crashed"  # the process ended during the request
    PROTOCOL = "protocol"  # the process answered something that is not the protocol
    LOADED = "loaded"  # the submission's cells ran (the answer to loading)

    def __str__(self) -> str:  # in messages and JSON, the name the worker uses
        return self.value

    @classmethod
    def of_reply(cls, status: object) -> OutcomeStatus | None:
        """The status a worker's reply names; None when it names none of them."""
        try:
            return cls(status)
        except ValueError:
            return None


@dataclass
class Outcome:
    """What one request to the student's process came to."""

    status: OutcomeStatus
    value: Any = None
    error: dict[str, Any] = field(default_factory=dict)
    detail: str = ""

    def __post_init__(self) -> None:
        self.status = OutcomeStatus(self.status)  # a status given by its name ("ok") is the same status

    @property
    def not_implemented(self) -> bool:
        return self.status is OutcomeStatus.RAISED and "NotImplementedError" in self.error.get("types", [])


class OutputTail:
    """Drains a pipe so the child never blocks, keeping only the first few KiB.

    The drain runs on a thread, which a busy machine may run late: what the text says is
    complete only after :meth:`finish`, once the process has ended."""

    def __init__(self, stream, keep: int = OUTPUT_KEEP):
        self.keep, self.total = keep, 0
        self._chunks: list[bytes] = []
        self._thread = threading.Thread(target=self._drain, args=(stream,), daemon=True)
        self._thread.start()

    def _drain(self, stream) -> None:
        kept = 0
        for chunk in iter(lambda: stream.read1(65536), b""):
            self.total += len(chunk)
            if kept < self.keep:
                self._chunks.append(chunk[: self.keep - kept])
                kept += len(self._chunks[-1])
        stream.close()

    def finish(self, timeout: float = DRAIN_WAIT) -> None:
        """Wait until the pipe is drained to its end (all its writers are gone)."""
        self._thread.join(timeout)

    def text(self) -> str:
        body = b"".join(self._chunks).decode("utf-8", "replace")
        if self.total > self.keep:
            body += f"\n... ({self.total - self.keep} more bytes not shown)"
        return body


@dataclass
class Limits:
    """Resource limits applied to the student's process, and the device its models train on."""

    load_timeout: float = 60.0
    call_timeout: float | None = None  # caps every check's own timeout when set
    memory_bytes: int | None = None  # address space; None = no limit
    #: cpu | gpu | auto (autograder.run.device); None: $DEEPGRADE_DEVICE, else auto.
    device: str | None = None

    def apply(self) -> None:  # runs in the child between fork and exec
        block_outside_signals()  # every thread of the new process inherits it (autograder.run.signals)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if self.memory_bytes:
            resource.setrlimit(resource.RLIMIT_AS, (self.memory_bytes, self.memory_bytes))
        os.setsid()


def worker_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a student's process: quiet TensorFlow, no display, marked as grading."""
    env = dict(os.environ)
    env.update(QUIET_ENV)
    env.update({"DEEPGRADE_WORKER": "1", "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0",
                "PYTHONUNBUFFERED": "1"})
    package_root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    env.update(extra or {})
    return env


class StudentProcess:
    """A submission loaded in its own process, answering calls with plain data."""

    def __init__(self, program: Program, *, limits: Limits | None = None,
                 cwd: str | None = None, env: dict[str, str] | None = None,
                 preload: tuple[str, ...] = (), command: list[str] | None = None,
                 probes: list[Callable[[StudentProcess], dict[str, Details] | None]] | None = None,
                 on_progress: Callable[[dict[str, Any]], None] | None = None):
        self.program = program
        self.limits = limits or Limits()
        if cwd is None and Path(program.path).is_file():
            cwd = str(Path(program.path).resolve().parent)
        self.cwd = cwd
        self.env = worker_env({**device_env(self.limits.device), **(env or {})})
        self.preload = preload
        self.command = command  # a sandbox wrapper (bwrap ...) may prefix the interpreter
        self.cell_errors: list[dict[str, Any]] = []
        #: What each cell printed, returned or raised on the first load (for feedback).
        self.cell_outputs: list[dict[str, Any]] = []
        self.load_failure: Outcome | None = None
        self.starts = 0
        self.memo: dict[Any, Any] = {}  # results shared by checks, such as a trained model's
        #: Asked of the live process after the checks ran, for pictures ({check: details}).
        self.probes = probes or []
        self.probed: dict[str, Details] = {}
        #: Called with each progress report the process sends during a request (epochs).
        self.on_progress = on_progress
        self._proc: Any = None  # subprocess.Popen, or a forked child of a pre-warmed process
        self._out: OutputTail | None = None
        self._err: OutputTail | None = None
        #: Whether the current process said it is about to run the student's code.
        self._started = False

    # -- lifecycle ---------------------------------------------------------------------
    def _spawn(self) -> Outcome | None:
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        self._started = False
        self._proc = self._launch(to_child_r, from_child_w)
        os.close(to_child_r)
        os.close(from_child_w)
        self._to, self._reader = to_child_w, FrameReader(from_child_r)
        self._out, self._err = OutputTail(self._proc.stdout), OutputTail(self._proc.stderr)
        self.starts += 1
        message = {**self.program.as_message(), "preload": list(self.preload),
                   "module": "submission" if self.program.path.endswith(".py") else "__main__"}
        outcome = self._exchange(message, self.limits.load_timeout, during=" while loading your code")
        if outcome.status is not OutcomeStatus.LOADED:
            self.load_failure = outcome
            return outcome
        self.cell_errors = outcome.value.get("cell_errors", [])
        if self.starts == 1:
            self.cell_outputs = outcome.value.get("outputs", [])
        return None

    def _launch(self, to_child_r: int, from_child_w: int) -> Any:
        """Start the worker on these pipe ends: a :class:`subprocess.Popen`, or what behaves as
        one (``pid``, ``stdout``, ``stderr``, ``poll``, ``wait``, ``kill``)."""
        argv = [*(self.command or []), sys.executable, "-m", "autograder.run.worker",
                str(to_child_r), str(from_child_w)]
        return subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            pass_fds=(to_child_r, from_child_w), cwd=self.cwd, env=self.env,
            preexec_fn=self.limits.apply)

    def _kill_tree(self) -> None:
        """Kill the worker and everything it started (its session's process group)."""
        assert self._proc is not None
        try:
            os.killpg(self._proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def _ensure(self) -> Outcome | None:
        if self._proc is not None and self._proc.poll() is None:
            return None
        if self.load_failure is not None:
            return self.load_failure  # loading kills the process every time: do not retry
        return self._spawn()

    def close(self) -> None:
        if self._proc is None:
            return
        self._kill_tree()
        self._proc.wait()
        for tail in (self._out, self._err):  # what it printed before it ended, all of it
            if tail is not None:
                tail.finish()
        for fd in (self._to, self._reader.fd):
            try:
                os.close(fd)
            except OSError:
                pass
        self._proc = None

    def __enter__(self) -> StudentProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None and self._proc is not None and self._proc.poll() is None:
            for probe in self.probes:
                try:
                    self.probed.update(probe(self) or {})
                except Exception:
                    pass
        self.close()

    # -- requests ----------------------------------------------------------------------
    def _exchange(self, message: dict[str, Any], timeout: float, during: str) -> Outcome:
        deadline = time.monotonic() + timeout
        try:
            write_frame(self._to, message)
            reply = self._reader.read(timeout=timeout)
            while reply.get("status") in ("progress", "started"):  # reports during a long request
                if reply.get("status") == "started":
                    self._started = True
                elif self.on_progress is not None and isinstance(reply.get("progress"), dict):
                    self.on_progress(reply["progress"])
                reply = self._reader.read(timeout=max(deadline - time.monotonic(), 0.001))
        except Timeout:
            self.close()
            if not self._started:
                raise GraderFailure(Stage.SETUP, f"the student's process did not start within {timeout:g} s")
            return Outcome(OutcomeStatus.TIMEOUT, detail=f"did not finish within {timeout:g} s{during}")
        except (Closed, BrokenPipeError):
            code = self._ended()
            failed = self._grader_failed(code)
            if failed is not None:
                raise GraderFailure(failed, f"the student's process ended ({self._exit_reason(code)})"
                                    + ("" if self._started else " before the student's code was loaded"))
            return Outcome(OutcomeStatus.CRASHED, detail=f"the process ended{during} ({self._exit_reason(code)})")
        except ProtocolError as exc:
            self.close()
            return Outcome(OutcomeStatus.PROTOCOL, detail=str(exc))
        status = OutcomeStatus.of_reply(reply.get("status"))
        if status is None:
            self.close()
            return Outcome(OutcomeStatus.PROTOCOL, detail=f"an answer without a known status: {reply.get('status')!r}")
        if status is OutcomeStatus.LOADED:
            return Outcome(status, value=reply)
        return Outcome(status, value=reply.get("value"), error=reply.get("error") or {},
                       detail=str(reply.get("message") or reply.get("type") or ""))

    def _ended(self) -> int | None:
        """The ended process's exit code (None: it stopped answering, and is killed now)."""
        assert self._proc is not None
        try:
            code: int | None = self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = None
        self.close()
        return code

    def _grader_failed(self, code: int | None) -> Stage | None:
        """Why an end is the grader's failure, or None when it is the student's code's."""
        if not self._started:
            return Stage.SETUP
        return None

    def _exit_reason(self, code: int | None) -> str:
        if code is None:
            return "stopped answering"
        if code < 0:
            try:
                return f"killed by {signal.Signals(-code).name}"
            except ValueError:
                return f"killed by signal {-code}"
        return f"exit code {code}"

    def request(self, message: dict[str, Any], timeout: float | None = None) -> Outcome:
        failure = self._ensure()
        if failure is not None:
            return failure
        timeout = timeout or 10.0
        if self.limits.call_timeout:
            timeout = min(timeout, self.limits.call_timeout)
        return self._exchange(message, timeout, during="")

    def call(self, target: str, *args: Any, timeout: float | None = None, **kwargs: Any) -> Outcome:
        return self.request({"op": "call", "target": target, "args": list(args), "kwargs": kwargs}, timeout)

    def get(self, target: str, timeout: float | None = None) -> Outcome:
        return self.request({"op": "get", "target": target}, timeout)

    def output(self) -> str:
        """What the student's code printed (stdout then stderr), cut to a few KiB; all of it
        once the process is closed."""
        parts = [t.text() for t in (self._out, self._err) if t is not None and t.total]
        return "\n".join(parts)
