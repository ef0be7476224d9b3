"""The grader's side of a pre-warmed TensorFlow process (one per worker slot).

A model submission's process spends 4-8 s importing TensorFlow before it runs a
line of the student's code. :class:`Zygote` starts, once per slot and in that
slot's sandbox, a process that has done the import
(:mod:`autograder.run.zygote`), and forks one child per model submission from
it. A child is an ordinary worker on its own pipes; :class:`ZygoteChild` is what
:class:`~autograder.run.session.StudentProcess` holds instead of a
:class:`subprocess.Popen`, with the same ``poll``/``wait``/``stdout``/``stderr``.

Invariants:

* A child's submission reaches it through the slot's *inbox*, bound read-only
  at ``/submission`` in the zygote's sandbox: the scratch copy of one submission
  at a time, removed before the next one is copied in (a slot grades one
  submission at a time).
* A zygote that fails to start, to warm up, or to fork is closed, and the slot
  goes on with fresh processes; :meth:`Zygote.start` says why, once. So does a
  GPU run: CUDA cannot be initialised in a parent and used in forked children.
  A fork the kernel refuses once (the slot's process limit) leaves the zygote
  up: that one process starts fresh.
* A child's end arrives only once its whole PID namespace is gone, so the next
  child of the slot never meets the last one's processes at the process limit.
* Closing the zygote kills every child it forked.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..run.device import gpu_devices, requested_device
from ..run.session import OutputTail, worker_env
from ..run.zygote import HOME_BYTES_ENV, HOME_ENV, PACKET
from .backends import SANDBOX_HOME, Sandbox, SandboxLimits, backend_names, get_backend
from .process import sandbox_env

#: How long the zygote may take to import TensorFlow (a loaded 2-core machine: 10-20 s).
WARM_TIMEOUT = 180.0
#: How long a fork may take to be acknowledged.
SPAWN_TIMEOUT = 30.0


def prewarm_refusal(sandbox: Sandbox, device: str | None) -> str:
    """'' when model submissions can be forked from a pre-warmed process here, else why not."""
    if not sandbox.backend.forks_children:
        able = " or ".join(name for name in backend_names() if get_backend(name).forks_children)
        return f"the {sandbox.name} sandbox cannot give each forked child its own namespaces ({able} can)"
    wanted = requested_device(device)
    if wanted == "gpu" or (wanted == "auto" and gpu_devices()):
        return "models train on a GPU, and CUDA cannot be forked safely"
    return ""


class ZygoteChild:
    """A forked child, as :class:`subprocess.Popen` is a started one."""

    def __init__(self, zygote: Zygote, pid: int, stdout: IO[bytes], stderr: IO[bytes]):
        self.zygote, self.pid, self.stdout, self.stderr = zygote, pid, stdout, stderr
        self.returncode: int | None = None
        self._ended = threading.Event()

    def _exited(self, code: int) -> None:
        self.returncode = code
        self._ended.set()

    def poll(self) -> int | None:
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if not self._ended.wait(timeout):
            raise subprocess.TimeoutExpired(f"zygote child {self.pid}", timeout or 0)
        assert self.returncode is not None
        return self.returncode

    def kill(self) -> None:
        """Kill the child and everything in its PID namespace."""
        if self.returncode is None and not self.zygote.kill(self.pid):
            self._exited(-signal.SIGKILL)  # the zygote is gone, and its children with it


@dataclass
class Zygote:
    """One worker slot's pre-warmed process (see the module's docstring)."""

    sandbox: Sandbox
    slot: int
    limits: SandboxLimits
    inbox: Path
    #: Seconds the zygote took to import TensorFlow and Keras, once it is ready.
    import_seconds: float = 0.0
    #: Why the zygote is not used ('' while it is).
    refused: str = ""
    _proc: subprocess.Popen | None = None
    _stderr: OutputTail | None = None
    _control: socket.socket | None = None
    _children: dict[int, ZygoteChild] = field(default_factory=dict)
    _replies: list[dict[str, Any]] = field(default_factory=list)
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _spawn_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def ready(self) -> bool:
        return self._proc is not None and self._proc.poll() is None and not self.refused

    def start(self) -> str:
        """Start and warm the zygote; '' when it is ready, else why it is not used."""
        self.refused = prewarm_refusal(self.sandbox, self.limits.device)
        if self.refused:
            return self.refused
        self.inbox.mkdir(parents=True, exist_ok=True)
        os.chmod(self.inbox, 0o755)
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = sandbox_env(worker_env({"CUDA_VISIBLE_DEVICES": "-1", "DEEPGRADE_DEVICE": "cpu"}), self.sandbox,
                          self.inbox)
        env.pop("DEEPGRADE_SEED", None)
        env.update({HOME_ENV: SANDBOX_HOME, HOME_BYTES_ENV: str(self.limits.scratch_bytes)})
        argv = [*self.sandbox.wrap(self.inbox, self.slot, self.limits), sys.executable, "-m",
                "autograder.run.zygote", str(theirs.fileno())]
        try:
            self._proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.PIPE, pass_fds=(theirs.fileno(),), cwd=self.inbox,
                                          env=env, preexec_fn=self.limits.apply)
        except OSError as exc:
            self.refused = f"the pre-warmed process could not start: {exc}"
            return self.refused
        finally:
            theirs.close()
        self._stderr = OutputTail(self._proc.stderr)  # drained, so that the zygote never blocks on it
        self._control = ours
        threading.Thread(target=self._read, daemon=True, name=f"deepgrade-zygote-{self.slot}").start()
        first = self._reply(WARM_TIMEOUT)
        if not first.get("ready"):
            self.refused = str(first.get("reason") or "the pre-warmed process did not become ready")
            self.close()
            return self.refused
        self.import_seconds = float(first.get("import_seconds", 0.0))
        return ""

    def _read(self) -> None:
        """Route the zygote's messages: a child's end to its handle, the rest to the waiter."""
        control = self._control
        assert control is not None
        while True:
            try:
                data = control.recv(PACKET)
            except OSError:
                data = b""
            message: dict[str, Any] = (json.loads(data) if data else
                                       {"ready": False, "closed": True, "reason": self._died_because()})
            if "exited" in message:
                child = self._children.pop(int(message["exited"]), None)
                if child is not None:
                    child._exited(int(message["code"]))
                continue
            with self._cond:
                self._replies.append(message)
                self._cond.notify_all()
            if not data:
                for child in list(self._children.values()):
                    child._exited(-signal.SIGKILL)
                self._children.clear()
                return

    def _died_because(self) -> str:
        if self._proc is None:
            return "the pre-warmed process ended"
        try:
            code = self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return "the pre-warmed process stopped answering"
        said = self._stderr.text().strip() if self._stderr else ""
        return f"the pre-warmed process ended (exit {code})" + (f": {said[-300:]}" if said else "")

    def _reply(self, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not self._replies:
                left = deadline - time.monotonic()
                if left <= 0:
                    return {"ready": False, "reason": f"the pre-warmed process did not answer within {timeout:g} s"}
                self._cond.wait(left)
            return self._replies.pop(0)

    def spawn(self, env: dict[str, str], to_child: int, from_child: int) -> ZygoteChild | None:
        """Fork a worker on these pipes (this side keeps its own ends); None when the zygote
        cannot (the caller starts a fresh process instead)."""
        if not self.ready or self._control is None:
            self.refused = self.refused or "the pre-warmed process ended"
            return None
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        try:
            with self._spawn_lock:
                try:
                    socket.send_fds(self._control, [json.dumps({"op": "spawn", "env": env}).encode()],
                                    [to_child, from_child, out_w, err_w])
                except OSError:
                    reply: dict[str, Any] = {"error": "the pre-warmed process is gone"}
                else:
                    reply = self._reply(SPAWN_TIMEOUT)
                if "spawned" not in reply:
                    os.close(out_r)
                    os.close(err_r)
                    if reply.get("transient"):  # a fork refused this time: the zygote serves the next
                        return None
                    self.refused = str(reply.get("error") or reply.get("reason") or "fork failed")
                    self.close()
                    return None
                child = ZygoteChild(self, int(reply["spawned"]), os.fdopen(out_r, "rb"), os.fdopen(err_r, "rb"))
                self._children[child.pid] = child
                return child
        finally:
            os.close(out_w)
            os.close(err_w)

    def kill(self, pid: int) -> bool:
        """Ask the zygote to kill a child; False when the zygote is gone."""
        if self._control is None:
            return False
        try:
            self._control.send(json.dumps({"op": "kill", "pid": pid}).encode())
            return True
        except OSError:
            return False

    def close(self) -> None:
        """Stop the zygote: its children are killed with it."""
        if self._control is not None:
            try:
                self._control.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._control.close()
            self._control = None
        if self._proc is not None:
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
            self._proc = None


class ZygotePool:
    """The pre-warmed processes of one grading run (the local runner) or one Dask worker
    process, one per sandbox slot, started on first use.

    A slot's zygote that ends is replaced once; after that the slot starts fresh
    processes. When one cannot start at all (a GPU, a weaker sandbox, the kernel), none is
    started again. ``say`` hears, once each, that pre-warming is on and, if so, that it is off.
    """

    def __init__(self, root: Path, say: Callable[[str], None] | None = None):
        self.root, self.say = root, say or (lambda text: None)
        self.off = ""  # why no zygote is used, once one could not start
        self._zygotes: dict[tuple[Any, ...], Zygote] = {}
        self._replaced: set[tuple[Any, ...]] = set()
        self._lock = threading.Lock()

    def get(self, sandbox: Sandbox, slot: int, limits: SandboxLimits) -> Zygote | None:
        """The slot's ready zygote for this sandbox and these limits, or None (fresh processes)."""
        key = (slot, sandbox.name, sandbox.show_data, repr(limits))
        with self._lock:
            zygote = self._zygotes.get(key)
            if zygote is not None and zygote.ready:
                return zygote
            if self.off or (zygote is not None and key in self._replaced):
                return None
            if zygote is not None:
                zygote.close()
                self._replaced.add(key)
            first = not self._zygotes
            zygote = Zygote(sandbox, slot, limits, self.root / f"inbox-{len(self._zygotes)}-{slot}")
            self._zygotes[key] = zygote
        why = zygote.start()  # seconds: outside the lock, other slots go on
        with self._lock:
            if why:
                if not self.off:
                    self.off = why
                    self.say(f"deepgrade: pre-warmed TensorFlow is off ({why}): each model submission starts a "
                             "fresh process")
                return None
            if first:
                self.say(f"deepgrade: pre-warmed TensorFlow: imported once per slot ({zygote.import_seconds:.1f} s); "
                         "model submissions are forked from it")
        return zygote

    def close(self) -> None:
        """Stop every zygote (their children with them)."""
        with self._lock:
            zygotes, self._zygotes = list(self._zygotes.values()), {}
        for zygote in zygotes:
            zygote.close()
