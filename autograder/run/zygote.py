"""A pre-warmed student's process: TensorFlow imported once, one forked child per submission.

Started by :class:`autograder.isolate.prewarm.Zygote` inside a worker slot's
sandbox as ``python -m autograder.run.zygote CONTROL_FD``. It imports NumPy,
TensorFlow, Keras and the worker's Keras requests, runs no TensorFlow op (so no
thread pool exists to be forked), then serves the grader over a Unix
``SOCK_SEQPACKET`` socket, one JSON message per packet:

* ``{"op": "spawn", "env": {...}}`` with four file descriptors attached (the
  child's request pipe, its reply pipe, its stdout and stderr): fork a child
  that becomes an ordinary worker (:func:`autograder.run.worker.main`) on those
  pipes. Answer ``{"spawned": PID}`` or ``{"error": "..."}``.
* ``{"op": "kill", "pid": PID}``: SIGKILL that child (and so its whole tree).
* Each child's end is reported as ``{"exited": PID, "code": CODE}`` (negative:
  the signal that killed it), as :class:`subprocess.Popen` reports it, once its
  whole PID namespace is gone (see below), or after :data:`DRAIN_SECONDS` with
  ``"drained": false``.
* A fork the kernel refuses is answered ``{"error": "...", "transient": true}``:
  the zygote lives on, and the grader starts a fresh process this time.
* End of file: every child is killed and the zygote exits.

Invariants (each tested in tests/test_prewarm.py):

* A child shares nothing writable with the zygote or with other children: it
  forks, enters a new user, mount, PID, IPC and UTS namespace, and forks again;
  that process is PID 1 of the new namespace (the worker is PID 2: it cannot
  signal the zygote, a sibling, or anything outside), mounts a fresh capped
  tmpfs on the home and on ``/tmp``, drops every capability and sets
  ``no_new_privs`` before any student code runs. Killing the first child kills
  PID 1 (parent-death signal), and with it everything in its PID namespace.
* The zygote is not dumpable, so a child of the same user can neither trace it
  nor read or write its memory through ``/proc``; nothing a child imports,
  patches or replaces reaches the zygote or the next child, which is forked
  from the zygote's untouched memory.
* The zygote never sees a course, a hidden check or a label: it runs in the
  slot's sandbox, like any student's process, and only forks.
* When the kernel refuses the namespaces, the zygote says so in its first
  message and the grader starts fresh processes instead.
* A child is reported gone only when every process of its PID namespace is
  gone. Killing the first child kills its namespace's init, and the kernel then
  kills the rest, which takes seconds for a few hundred forked TensorFlow
  processes; all that time they count against the slot user's process limit.
  The zygote is a child subreaper, so the orphaned init becomes its child; the
  end is reported once no orphan is left (the init is reaped only after every
  process of its namespace is), so the next child never meets the previous
  one's processes at its process limit.
"""

from __future__ import annotations

import ctypes
import json
import os
import select
import signal
import socket
import sys
import time
from typing import Any

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
MS_PRIVATE, MS_REC, MS_NOSUID, MS_NODEV = 1 << 18, 1 << 14, 2, 4
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_NO_NEW_PRIVS, PR_CAPBSET_DROP = 1, 4, 38, 24
PR_SET_CHILD_SUBREAPER = 36
LINUX_CAPABILITY_VERSION_3 = 0x20080522

#: The child's home (the worker copies the submission there) and its size, from the grader.
HOME_ENV, HOME_BYTES_ENV = "DEEPGRADE_ZYGOTE_HOME", "DEEPGRADE_ZYGOTE_HOME_BYTES"
#: A message packet's largest size (the environment of a child is small).
PACKET = 1 << 16
#: How long a child's end waits for its namespace's processes to be gone before it is reported.
DRAIN_SECONDS = 30.0

_libc = ctypes.CDLL(None, use_errno=True)


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _write(path: str, text: str) -> None:
    with open(path, "w") as f:
        f.write(text)


def enter_namespaces() -> None:
    """Unshare user, mount, PID, IPC and UTS namespaces, keeping this process's uid and gid
    (the next fork is PID 1 of the new PID namespace)."""
    uid, gid = os.getuid(), os.getgid()
    # The zygote is not dumpable, and a child inherits that: its /proc/self files would belong to
    # root, uid_map included. The child (not the zygote) becomes dumpable to write its maps.
    _check(_libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0), "dumpable")
    _check(_libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS), "unshare")
    _write("/proc/self/uid_map", f"{uid} {uid} 1")
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/gid_map", f"{gid} {gid} 1")


MS_BIND, MNT_DETACH = 1 << 12, 2
TMP = "/tmp"


def _mounts_below(folder: str) -> list[str]:
    """The mount points below ``folder`` that no other mount point below it contains (the
    sandbox's views of the Python installation or of the grader, where they live in /tmp)."""
    points = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            point = line.split()[4].encode().decode("unicode_escape")  # octal escapes, as \040 for a space
            if point.startswith(folder + "/"):
                points.append(point)
    return [p for p in sorted(set(points)) if not any(p.startswith(q + "/") for q in points if q != p)]


def _mount(source: str, target: str, fstype: str | None, flags: int, options: str | None = None) -> None:
    _check(_libc.mount(source.encode(), target.encode(), fstype.encode() if fstype else None, flags,
                       options.encode() if options else None), f"mount {source} on {target}")


def fresh_mounts(home: str, home_bytes: int) -> None:
    """A capped tmpfs as the home and another as /tmp, seen by this namespace only.

    What the sandbox shows inside /tmp (a Python installation or the grader, when they live
    there) is shown again in the fresh /tmp: it is parked in the old home meanwhile, which
    the fresh home then covers."""
    _mount("none", "/", None, MS_REC | MS_PRIVATE)
    kept = _mounts_below(TMP)
    stash = os.path.join(home, f".deepgrade-tmp-{os.getpid()}")
    if kept:
        os.mkdir(stash)
        _mount(TMP, stash, None, MS_BIND | MS_REC)
    _mount("tmpfs", TMP, "tmpfs", MS_NOSUID | MS_NODEV, "size=268435456,mode=1777")
    for point in kept:
        target = point  # the same place in the fresh /tmp
        os.makedirs(target, exist_ok=True)
        _mount(stash + point[len(TMP):], target, None, MS_BIND | MS_REC)
    if kept and _libc.umount2(stash.encode(), MNT_DETACH) == 0:
        os.rmdir(stash)
    _mount("tmpfs", home, "tmpfs", MS_NOSUID | MS_NODEV, f"size={home_bytes},mode=0777")


def drop_privileges() -> None:
    """No capability left (the new user namespace granted them all), none to gain by exec."""
    for cap in range(64):
        if _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 and ctypes.get_errno() == 22:  # EINVAL: past the last
            break
    header, data = _CapHeader(LINUX_CAPABILITY_VERSION_3, 0), (_CapData * 2)()
    _check(_libc.capset(ctypes.byref(header), ctypes.byref(data)), "capset")
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")


def _exit_as(status: int) -> None:
    """Exit as the waited-for process did (killed by signal N: 128 + N, as bwrap reports it)."""
    code = os.waitstatus_to_exitcode(status)
    os._exit(128 - code if code < 0 else code)


def _fork_tied() -> int:
    """Fork a child that is killed when this process ends (the parent-death signal, checked
    against the parent having ended before it was set)."""
    alive_r, alive_w = os.pipe()  # open for writing as long as the parent lives
    pid = os.fork()
    if pid:
        os.close(alive_r)
        return pid
    os.close(alive_w)
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if select.select([alive_r], [], [], 0)[0]:  # end of file: the parent is already gone
        os._exit(70)
    os.close(alive_r)
    return 0


def _become_worker(env: dict[str, str], fds: list[int], control: socket.socket) -> None:
    """In the forked child: isolate, then run the worker on the grader's pipes. Never returns.

    Three processes: this one (outside the new namespaces) waits for PID 1 of the new PID
    namespace and reports its end; PID 1 mounts the fresh home and /tmp, drops every
    capability, and reaps (as bwrap's init does); PID 2 is the worker."""
    code = 70
    try:
        control.close()
        enter_namespaces()
        init = _fork_tied()
        if init:
            _libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)  # out of the student code's reach, as the zygote
            for fd in fds:
                os.close(fd)
            _exit_as(os.waitpid(init, 0)[1])
        home = env.get("HOME") or os.environ.get(HOME_ENV, "/home/student")
        fresh_mounts(home, int(os.environ.get(HOME_BYTES_ENV, str(256 << 20))))
        drop_privileges()
        worker_pid = _fork_tied()
        if worker_pid:
            for fd in fds:
                os.close(fd)
            while True:  # reap whatever the worker leaves behind, until the worker itself ends
                pid, status = os.wait()
                if pid == worker_pid:
                    _exit_as(status)
        to_child, from_child, out, err = fds
        null = os.open(os.devnull, os.O_RDONLY)
        for fd, target in ((null, 0), (out, 1), (err, 2), (to_child, 3), (from_child, 4)):
            os.dup2(fd, target)
        os.closerange(5, 1 << 16)
        os.setsid()
        os.chdir(home)
        os.environ.clear()
        os.environ.update(env)
        from . import worker

        code = worker.main(["worker", "3", "4"])
    except BaseException as exc:  # reported on stderr; the exit code says it failed
        try:
            os.write(2, f"deepgrade zygote child: {exc!r}\n".encode())
        except OSError:
            pass
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except Exception:
            pass
        os._exit(code if isinstance(code, int) else 70)


def _send(control: socket.socket, message: dict[str, Any]) -> None:
    control.send(json.dumps(message).encode())


def _warm() -> float:
    """Import what a model submission's process imports, running no TensorFlow op."""
    started = time.monotonic()
    import absl.logging  # noqa: F401
    import keras  # noqa: F401
    import numpy  # noqa: F401
    import tensorflow  # noqa: F401

    from . import keras_ops, worker  # noqa: F401
    return time.monotonic() - started


def _orphans(children: set[int]) -> set[int]:
    """This process's children that are not live first children: the orphaned inits of ended
    children's namespaces, reparented here (the zygote is a subreaper) until they are gone."""
    me, found = os.getpid(), set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) in children:
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                if int(f.read().rsplit(b")", 1)[1].split()[1]) == me:
                    found.add(int(entry))
        except (OSError, ValueError, IndexError):
            pass
    return found


def _reap(children: set[int], ended: dict[int, tuple[int, float]]) -> None:
    """Reap what has ended: a first child moves to ``ended`` (its end, and when); an orphaned
    init is only reaped."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        if pid in children:
            children.discard(pid)
            ended[pid] = (os.waitstatus_to_exitcode(status), time.monotonic())


def _report_ended(control: socket.socket, children: set[int], ended: dict[int, tuple[int, float]]) -> None:
    """Report the ended children whose namespaces are gone (or waited for long enough)."""
    if not ended:
        return
    drained = not _orphans(children)
    for pid, (code, when) in list(ended.items()):
        if drained or time.monotonic() - when > DRAIN_SECONDS:
            del ended[pid]
            _send(control, {"exited": pid, "code": code, "drained": drained})


def _spawn(control: socket.socket, request: dict[str, Any], fds: list[int], children: set[int]) -> None:
    try:
        pid = os.fork()
    except OSError as exc:  # EAGAIN at the process limit: the grader's problem, not the next student's
        for fd in fds:
            os.close(fd)
        _send(control, {"error": f"fork refused: {exc}", "errno": exc.errno, "transient": True})
        return
    if pid == 0:
        _become_worker({str(k): str(v) for k, v in request.get("env", {}).items()}, list(fds), control)
    for fd in fds:
        os.close(fd)
    children.add(pid)
    _send(control, {"spawned": pid})


def serve(control: socket.socket) -> int:
    children: set[int] = set()
    ended: dict[int, tuple[int, float]] = {}
    while True:
        ready, _, _ = select.select([control], [], [], 0.05)
        _reap(children, ended)
        _report_ended(control, children, ended)
        if not ready:
            continue
        data, fds, _, _ = socket.recv_fds(control, PACKET, 4)
        if not data:  # the grader closed: nothing more to serve
            for pid in children:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            return 0
        request = json.loads(data)
        if request.get("op") == "kill":
            if int(request["pid"]) in children:
                try:
                    os.kill(int(request["pid"]), signal.SIGKILL)
                except ProcessLookupError:
                    pass
            for fd in fds:
                os.close(fd)
            continue
        if request.get("op") != "spawn" or len(fds) != 4:
            for fd in fds:
                os.close(fd)
            _send(control, {"error": "a spawn request carries four file descriptors"})
            continue
        _spawn(control, request, list(fds), children)


def _probe() -> str:
    """'' when a child can enter its namespaces and mount its home here, else why not."""
    pid = os.fork()
    if pid == 0:
        try:
            enter_namespaces()
            inner = os.fork()
            if inner:
                _, status = os.waitpid(inner, 0)
                os._exit(os.waitstatus_to_exitcode(status))
            fresh_mounts(os.environ.get(HOME_ENV, "/home/student"), 1 << 20)
            drop_privileges()
            os._exit(0 if os.getpid() == 1 else 3)
        except BaseException as exc:
            os.write(2, f"{exc}\n".encode())
            os._exit(4)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    return "" if code == 0 else f"a forked child could not isolate itself (exit {code})"


def main(argv: list[str]) -> int:
    control = socket.socket(fileno=int(argv[1]))
    _libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)  # no child may trace this process or read its memory
    why = _probe()
    if why:
        _send(control, {"ready": False, "reason": why})
        return 3
    try:
        seconds = _warm()
    except Exception as exc:  # the grader starts fresh processes instead
        _send(control, {"ready": False, "reason": f"importing TensorFlow failed: {exc!r}"[:500]})
        return 3
    _check(_libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), "subreaper")  # orphaned inits come here
    _send(control, {"ready": True, "import_seconds": round(seconds, 3)})
    return serve(control)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
