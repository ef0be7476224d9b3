"""Length-prefixed frames between the grader and a student's process.

A frame is a JSON header plus binary buffers (``.npy`` arrays)::

    u32 header length | header (UTF-8 JSON) | u32 buffer count | (u64 length | bytes)*

The protocol runs on its own pipe pair, so whatever the student prints on
stdout or stderr cannot be mistaken for an answer. The reader enforces a size
limit and a deadline: a student's process cannot make the grader wait forever
or allocate without bound.
"""

from __future__ import annotations

import json
import os
import select
import struct
import time
from typing import Any

from .codec import from_wire, to_wire

#: Largest frame the grader accepts (a batch of predictions fits easily).
MAX_FRAME_BYTES = 512 * 1024 * 1024


class ProtocolError(Exception):
    """The other side sent something that is not a valid frame."""


class Timeout(Exception):
    """No complete frame arrived before the deadline."""


class Closed(Exception):
    """The other side closed the pipe (it exited or crashed)."""


def encode_frame(message: dict[str, Any]) -> bytes:
    """Serialise a message whose values are plain data."""
    buffers: list[bytes] = []
    header = json.dumps(to_wire(message, buffers), allow_nan=False).encode()
    parts = [struct.pack(">I", len(header)), header, struct.pack(">I", len(buffers))]
    for buf in buffers:
        parts += [struct.pack(">Q", len(buf)), buf]
    return b"".join(parts)


def write_frame(fd: int, message: dict[str, Any]) -> None:
    data = memoryview(encode_frame(message))
    while data:
        written = os.write(fd, data)
        data = data[written:]


class FrameReader:
    """Reads frames from a file descriptor with a deadline and a size limit."""

    def __init__(self, fd: int, max_bytes: int = MAX_FRAME_BYTES):
        self.fd = fd
        self.max_bytes = max_bytes
        self._total = 0

    def _read_exact(self, n: int, deadline: float | None) -> bytes:
        self._total += n
        if self._total > self.max_bytes:
            raise ProtocolError(f"answer larger than {self.max_bytes // 2**20} MiB")
        chunks, remaining = [], n
        while remaining:
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise Timeout()
                ready, _, _ = select.select([self.fd], [], [], left)
                if not ready:
                    raise Timeout()
            chunk = os.read(self.fd, min(remaining, 1 << 20))
            if not chunk:
                raise Closed()
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def read(self, timeout: float | None = None) -> dict[str, Any]:
        deadline = None if timeout is None else time.monotonic() + timeout
        self._total = 0
        (header_len,) = struct.unpack(">I", self._read_exact(4, deadline))
        header_bytes = self._read_exact(header_len, deadline)
        (count,) = struct.unpack(">I", self._read_exact(4, deadline))
        buffers = []
        for _ in range(count):
            (length,) = struct.unpack(">Q", self._read_exact(8, deadline))
            buffers.append(self._read_exact(length, deadline))
        try:
            header = json.loads(header_bytes)
            message = from_wire(header, buffers)
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise ProtocolError(f"malformed frame: {exc}") from None
        except RecursionError:  # a header nesting 200,000 lists: the student's, never the grader's failure
            raise ProtocolError("malformed frame: nested too deep") from None
        if not isinstance(message, dict):
            raise ProtocolError("a frame must hold a mapping")
        return message
