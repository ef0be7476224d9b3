"""Sandbox slots held across every grading run on this machine.

A slot is a number; as root, the sandbox runs a slot's student as its own user
(``UID_BASE + slot``), so the process limit counts that student's processes
alone. Two runs at once (two instructors, a class grade beside an nbgrader
autograde, two Dask workers on one host) must never share a slot: each slot
is held by an exclusive ``flock`` on its file in a folder of the machine,
which the kernel releases when the holder exits, even killed.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from pathlib import Path

#: Slots a machine hands out: far more than its cores.
MAX_SLOTS = 512
#: The folder of the slots' lock files: one per machine, whatever scratch folder a run uses
#: ($DEEPGRADE_SCRATCH), since a slot's user id is one per machine too.
SLOTS_FOLDER = "deepgrade-slots"


def slots_folder() -> Path:
    """``$DEEPGRADE_SLOTS``, else /var/tmp/deepgrade-slots, else the same in the temp folder."""
    if os.environ.get("DEEPGRADE_SLOTS"):
        return Path(os.environ["DEEPGRADE_SLOTS"])
    return Path("/var/tmp" if os.path.isdir("/var/tmp") else tempfile.gettempdir()) / SLOTS_FOLDER


class SlotsBusy(RuntimeError):
    """Every slot is held by another run."""


class SlotLease:
    """``count`` slots held until :meth:`release` (or the process's end)."""

    def __init__(self, count: int, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        try:
            os.chmod(folder, 0o1777)
        except OSError:
            pass  # another user's folder: it is already shared
        self.slots: list[int] = []
        self._fds: list[int] = []
        for slot in range(MAX_SLOTS):
            if len(self.slots) == count:
                break
            fd = os.open(folder / f"slot-{slot}.lock", os.O_RDWR | os.O_CREAT, 0o666)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                continue
            self.slots.append(slot)
            self._fds.append(fd)
        if len(self.slots) < count:
            self.release()
            raise SlotsBusy(f"all {MAX_SLOTS} sandbox slots of this machine are held by other grading runs")

    def release(self) -> None:
        for fd in self._fds:
            os.close(fd)  # closing the only descriptor drops the lock
        self._fds, self.slots = [], []

    def __enter__(self) -> SlotLease:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
