"""In the student's process: no kernel keyring, the one store that outlives a sandbox.

A sandbox forgets everything when its processes end (its home and ``/tmp`` are
tmpfs of its own, its PID, IPC and network namespaces die with it), but the
kernel keeps keyrings per user: when the grader runs as root, every sandbox of a
worker slot runs as that slot's user in the machine's own user namespace, so a
key one submission adds (``add_key`` to ``@u``, or the persistent keyring, kept
for days) is there for every later submission of that slot, in this run and
the next. That is a channel between students, and state outside the student's
folder that the student's code changes.

:func:`forbid_keyrings` installs a seccomp filter (which no later code can lift)
that answers ``add_key``, ``request_key`` and ``keyctl`` with EPERM, as Docker's
default profile does; nothing a submission needs uses them.
"""

from __future__ import annotations

import ctypes
import errno
import platform
import struct

PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2
#: (audit architecture, the keyring system calls' numbers) per machine.
_ARCHES = {
    # x86_64, and the same calls of its x32 ABI (numbers with bit 30 set)
    "x86_64": (0xC000003E, (248, 249, 250, 0x40000000 | 248, 0x40000000 | 249, 0x40000000 | 250)),
    "aarch64": (0xC00000B7, (217, 218, 219)),
}
_LD_W_ABS, _JEQ_K, _RET_K = 0x20, 0x15, 0x06
_ALLOW, _ERRNO = 0x7FFF0000, 0x00050000


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def keyring_filter(machine: str) -> bytes | None:
    """The classic BPF program (``struct sock_filter`` records) for ``machine``; None when unknown."""
    if machine not in _ARCHES:
        return None
    arch, calls = _ARCHES[machine]
    deny = 4 + len(calls)  # index of the EPERM return
    ops = [(_LD_W_ABS, 0, 0, 4),  # seccomp_data.arch
           (_JEQ_K, 0, 1 + len(calls), arch),  # another architecture's calls: allowed (numbers differ)
           (_LD_W_ABS, 0, 0, 0)]  # seccomp_data.nr
    for i, nr in enumerate(calls):
        ops.append((_JEQ_K, deny - (3 + i) - 1, 0, nr))
    ops += [(_RET_K, 0, 0, _ALLOW), (_RET_K, 0, 0, _ERRNO | errno.EPERM)]
    return b"".join(struct.pack("HBBI", *op) for op in ops)


def forbid_keyrings() -> bool:
    """Make the keyring calls fail with EPERM in this process and all it starts; False where the
    machine or kernel does not allow it (the grader then runs on without the filter)."""
    program = keyring_filter(platform.machine())
    if program is None:
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    buffer = ctypes.create_string_buffer(program, len(program))
    fprog = _Program(len(program) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    return libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) == 0
