"""A progress bar on a terminal, plain lines elsewhere: counts, rate and time left."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from ..report.text import plural
from ..results import Record


def _clock(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}" if seconds >= 3600 \
        else f"{seconds // 60}:{seconds % 60:02d}"


class Progress:
    def __init__(self, total: int, stream: TextIO | None = None, width: int = 28):
        self.total, self.width = total, width
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.done = self.cached = self.graded = 0
        self.started = time.monotonic()

    def start(self, done: int = 0, cached: int = 0) -> None:
        self.done, self.cached, self.started = done, cached, time.monotonic()
        if cached:
            self._line(f"{plural(cached, 'submission')} unchanged since the last run: served from the cache")
        self._show(None)

    def eta(self) -> float | None:
        if not self.graded:
            return None
        rate = self.graded / max(time.monotonic() - self.started, 1e-6)
        return (self.total - self.done) / rate

    def tick(self, record: Record) -> None:
        self.done += 1
        self.graded += 1
        self._show(record)

    def _line(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def _show(self, record: Record | None) -> None:
        eta = self.eta()
        left = "ETA --:--" if eta is None else f"ETA {_clock(eta)}"
        elapsed = time.monotonic() - self.started
        rate = f"{60 * self.graded / elapsed:.0f}/min" if self.graded and elapsed > 0 else "-/min"
        if self.tty:
            filled = int(self.width * self.done / max(self.total, 1))
            bar = "#" * filled + "." * (self.width - filled)
            self.stream.write(f"\r[{bar}] {self.done}/{self.total} ({self.cached} cached) {rate} {left} ")
            self.stream.flush()
        elif record is not None:
            self._line(f"[{self.done}/{self.total}] {record.student} {record.exercise}: "
                       f"{record.raw_score:g}/{record.max_score:g}  {rate} {left}")

    def finish(self) -> None:
        """The last line: counts only (the run's one duration is in the summary after it)."""
        if self.tty:
            self.stream.write("\n")
        self._line(f"graded {self.graded}, cached {self.cached}, of {self.total}")
