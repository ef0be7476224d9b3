"""A student's process inside the sandbox: :class:`StudentProcess` with a command prefix.

Also keeps what the student printed (across restarts, a few KiB) for the
feedback page.
"""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path
from typing import Any

from ..load import Program
from ..quiet import QUIET_ENV
from ..run.failure import Stage
from ..run.session import OUTPUT_KEEP, StudentProcess
from .backends import SANDBOX_HOME, SANDBOX_SEED, Sandbox, SandboxLimits

#: Variables of the grader's environment a student's process may see; everything else
#: (tokens, paths of the course and of the output) stays out.
PASS_ENV = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "OMP_NUM_THREADS", "DEEPGRADE_DEVICE",
            "CUDA_VISIBLE_DEVICES", "DEEPGRADE_OFFLINE", "DEEPGRADE_DATA", "DEEPGRADE_CACHE")


def sandbox_env(base: dict[str, str], sandbox: Sandbox, scratch: Path) -> dict[str, str]:
    env = {k: v for k, v in base.items() if k in PASS_ENV or k in QUIET_ENV}
    if not sandbox.show_data:
        for key in ("DEEPGRADE_DATA", "DEEPGRADE_CACHE"):
            env.pop(key, None)
    home = SANDBOX_HOME if sandbox.backend.seeded_home else str(scratch)
    if sandbox.backend.seeded_home:
        env["DEEPGRADE_SEED"] = SANDBOX_SEED  # the worker copies the submission into its home
    env.update({k: base[k] for k in ("DEEPGRADE_WORKER", "MPLBACKEND", "PYTHONHASHSEED",
                                      "PYTHONUNBUFFERED", "PYTHONPATH") if k in base})
    env.update({"HOME": home, "TMPDIR": "/tmp", "MPLCONFIGDIR": "/tmp/matplotlib",
                "PYTHONDONTWRITEBYTECODE": "1", "DEEPGRADE_SANDBOX": sandbox.name})
    env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
    env.update(sandbox.extra_env)
    return env


class SandboxedProcess(StudentProcess):
    """A :class:`StudentProcess` run through the sandbox's command prefix, in a scratch folder.

    With a ``zygote`` (:class:`autograder.isolate.prewarm.Zygote`, whose inbox holds
    ``scratch``), a process that preloads the Keras requests is forked from the slot's
    pre-warmed TensorFlow process instead of started afresh; when the zygote cannot,
    it is started afresh as usual.
    """

    def __init__(self, program: Program, *, sandbox: Sandbox, scratch: Path, slot: int = 0,
                 limits: SandboxLimits | None = None, zygote: Any = None, **kwargs: Any):
        limits = limits if isinstance(limits, SandboxLimits) else _upgrade(limits)
        command = sandbox.wrap(scratch, slot, limits)
        super().__init__(program, limits=limits, cwd=str(scratch), command=command, **kwargs)
        self.env = sandbox_env(self.env, sandbox, scratch)
        self.sandbox = sandbox
        self.scratch = scratch
        self.slot = slot
        self.zygote = zygote
        #: How many of this process's starts were forks of the pre-warmed process.
        self.forked = 0
        #: Whether the current process is a pre-warmed process's child.
        self._from_zygote = False
        self._outputs: list[str] = []

    def _launch(self, to_child_r: int, from_child_w: int) -> Any:
        self._from_zygote = False
        if self.zygote is not None and self.preload:
            env = {**self.env, "DEEPGRADE_SEED": seed_path(self.scratch, self.zygote.inbox)}
            child = self.zygote.spawn(env, to_child_r, from_child_w)
            if child is not None:
                self.forked += 1
                self._from_zygote = True
                return child
        return super()._launch(to_child_r, from_child_w)

    def _kill_tree(self) -> None:
        if hasattr(self._proc, "zygote"):  # a forked child: the zygote kills its PID namespace
            self._proc.kill()
        else:
            super()._kill_tree()

    # The sandbox (bwrap, unshare, a pre-warmed child) reports a child killed by signal N as
    # exit code 128 + N.
    def _exit_reason(self, code: int | None) -> str:
        if code is not None and (self.command or self._from_zygote) and 128 < code < 128 + 65:
            try:
                return f"killed by {signal.Signals(code - 128).name}"
            except ValueError:
                return f"killed by signal {code - 128}"
        return super()._exit_reason(code)

    def _grader_failed(self, code: int | None) -> Stage | None:
        """The sandbox's own process (bwrap, unshare, a pre-warmed child's first process) is out
        of the student's reach: a signal that killed it came from outside, or its zygote died."""
        failed = super()._grader_failed(code)
        if failed is None and code is not None and code < 0:
            if self._from_zygote:
                return Stage.ZYGOTE
            if self.command and self.sandbox.backend.reports_signals:
                return Stage.SIGNAL
        return failed

    def close(self) -> None:
        if self._proc is None:
            return
        super().close()  # ended, and its pipes drained: what it printed is whole
        self._kill_leftovers()
        text = self.output()
        if text:
            self._outputs.append(text)

    def _kill_leftovers(self) -> None:
        """Without a PID namespace, a process the code started in a session of its own outlives
        the process group the grader kills. When the code runs as the slot's own user (held by
        this process alone while it grades), every process of that user is killed: ``kill(-1)``
        sent as that user, which the kernel delivers with new forks held off."""
        uid = self.sandbox.uid(self.slot)
        if uid is None or "pid_namespace" in self.sandbox.protections:
            return
        try:
            subprocess.run([*self.sandbox.drop_privileges(self.slot), "kill", "-KILL", "-1"],
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           timeout=30, check=False)
        except (OSError, subprocess.TimeoutExpired):
            pass

    def printed(self) -> str:
        """What the student's code printed over all its processes, cut to a few KiB."""
        text = "\n".join(self._outputs)
        if len(text) > OUTPUT_KEEP:
            text = text[:OUTPUT_KEEP] + f"\n... ({len(text) - OUTPUT_KEEP} more characters not shown)"
        return text


def _upgrade(limits: Any) -> SandboxLimits:
    if limits is None:
        return SandboxLimits()
    return SandboxLimits(load_timeout=limits.load_timeout, call_timeout=limits.call_timeout,
                         memory_bytes=limits.memory_bytes or SandboxLimits().memory_bytes, device=limits.device)


def seed_path(scratch: Path, inbox: Path) -> str:
    """Where a forked child finds its submission's read-only copy inside the zygote's sandbox."""
    return f"{SANDBOX_SEED}/{scratch.relative_to(inbox)}"
