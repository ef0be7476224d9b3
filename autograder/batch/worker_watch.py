"""A Dask cluster left with no worker is lost, not waited on forever.

A local cluster's nanny restarts a worker that died; under heavy load, or when the nanny
died with it, the worker may never come back, and the tasks handed over then wait with no
end. While grading, :class:`WorkerWatch` asks the scheduler how many workers it has; after
``patience`` seconds with none it calls ``lost(why)`` once (``ClusterGrading.lose``), so
what is in flight and what waits comes back as the grader's failure, reported and never
cached. Slurm's jobs have a watch of their own (``cluster_slurm.JobWatch``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

#: Seconds between two questions to the scheduler.
POLL = 2.0


def scheduler_workers(client: Any) -> list[dict[str, Any]]:
    """The scheduler's workers now (their ``nthreads`` and ``resources``)."""
    try:
        info = client.scheduler_info(n_workers=-1)
    except TypeError:  # distributed before 2025: every worker by default
        info = client.scheduler_info()
    return list(info["workers"].values())


class WorkerWatch:
    """Calls ``lost(why)`` once, from its own thread, when the scheduler has had no worker
    for ``patience`` seconds."""

    def __init__(self, client: Any, lost: Callable[[str], None], patience: float, poll: float = POLL):
        self.client, self.lost, self.patience, self.poll = client, lost, patience, poll
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="deepgrade-worker-watch", daemon=True)

    def start(self) -> WorkerWatch:
        self._thread.start()
        return self

    def _run(self) -> None:
        none_since: float | None = None
        while not self._stop.wait(self.poll):
            try:
                count = len(scheduler_workers(self.client))
            except Exception:  # the client is closing, or the scheduler did not answer this time
                continue
            now = time.monotonic()
            if count:
                none_since = None
            elif none_since is None:
                none_since = now
            elif now - none_since >= self.patience:
                self.lost(f"the cluster had no worker for {self.patience:g} s (a worker that died was not "
                          "started again: look at the cluster's log, or raise start_timeout)")
                return

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=30)
