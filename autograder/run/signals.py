"""In the student's process: tell a signal the student's code sent from one sent from outside.

SIGINT, SIGTERM and SIGHUP are blocked in every thread before the student's
code runs (the grader blocks them before it starts the process, so that even
the threads NumPy starts on import inherit the mask) and taken by one watching
thread with ``sigwaitinfo``, which says who sent each. One the student's code
sent (its own process or one of its descendants) is delivered as it would have
been (a KeyboardInterrupt for SIGINT, the student's handler, or the default
action). One from outside (another process of the machine, or from an outer PID
namespace, where the sender has no pid here) is dropped: it says nothing about
the student's code, so it changes nothing, and the grader stops a student's
process with SIGKILL only.

An outside signal once ended the process with a reserved exit code that the
grader read as its own failure (retried, never cached, a non-zero exit for the
run). The student's code can exit with any code, and can make a signal look as
if it came from outside (a grandchild orphaned to the sandbox's init, whose
parent chain no longer leads here): every way of telling the grader "not my
doing" from inside the student's process is the student's to forge, so none is
offered.
"""

from __future__ import annotations

import os
import signal
import threading
import time

#: Signals that, coming from outside, say nothing about the student's code.
OUTSIDE = frozenset({signal.SIGINT, signal.SIGTERM, signal.SIGHUP})
#: Sent to the main thread once one of the student's own signals is delivered in the watching
#: thread: Python runs a signal's handler in the main thread, but only when that thread next runs
#: Python code, so a ``time.sleep(30)`` there went on 30 s after the student's own SIGINT. A
#: caught WAKE interrupts the blocking call, which then runs the pending handler, as in a plain
#: Python. SIGURG is ignored by default and used by nothing Python starts.
WAKE = signal.SIGURG
#: How often, and how many times at most, WAKE is sent until the main thread has handled one.
WAKE_EVERY, WAKE_TRIES = 0.01, 200
_wakes_handled = 0


def block_outside_signals() -> None:
    """Block :data:`OUTSIDE` in this thread (between fork and exec: in the whole new process)."""
    signal.pthread_sigmask(signal.SIG_BLOCK, OUTSIDE)


def watch_outside_signals() -> None:
    """Block :data:`OUTSIDE` here (the main thread) and watch them."""
    signal.pthread_sigmask(signal.SIG_BLOCK, OUTSIDE)
    signal.signal(WAKE, _woken)
    main = threading.get_ident()
    threading.Thread(target=_watch, args=(main,), daemon=True, name="deepgrade-signals").start()


def _woken(signum: int, frame: object) -> None:
    """Counts: the wake-up's work is the blocking call it interrupts."""
    global _wakes_handled
    _wakes_handled += 1


def _wake(main: int) -> None:
    """WAKE the main thread until it has handled one. One WAKE is not enough: the main thread lets
    this thread run when it releases the GIL just before its blocking call, so a WAKE sent at once
    can land before that call starts and interrupt nothing (seen under load). Later ones find it
    inside; a thread busy in C code that ignores signals is given up on after 2 s."""
    seen = _wakes_handled
    for _ in range(WAKE_TRIES):
        signal.pthread_kill(main, WAKE)
        time.sleep(WAKE_EVERY)
        if _wakes_handled != seen:
            return


def _watch(main: int) -> None:
    while True:
        info = signal.sigwaitinfo(OUTSIDE)
        if not sent_by_student(info.si_pid):
            continue  # from outside: not the student's doing, and no verdict of theirs
        # The student's own: delivered to this thread, unblocked for a moment, as if never watched.
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {info.si_signo})
        signal.pthread_kill(threading.get_ident(), info.si_signo)
        signal.pthread_sigmask(signal.SIG_BLOCK, {info.si_signo})
        _wake(main)  # its handler runs now, not after the main thread's blocking call


def sent_by_student(pid: int) -> bool:
    """Whether ``pid`` (a signal's sender) is this process or one it started. 0 is the kernel or
    a process of an outer PID namespace."""
    me = os.getpid()
    for _ in range(64):  # a chain of parents, up to this process
        if pid == me:
            return True
        if pid <= 1:
            return False
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                pid = int(f.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            return False
    return False
