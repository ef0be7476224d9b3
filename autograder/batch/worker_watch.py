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


class Watch:
    """A daemon thread that asks every ``poll`` seconds whether the cluster is lost (:meth:`check`
    returns why, or "") and then calls ``lost(why)`` once; stopped by :meth:`stop`."""

    name = "deepgrade-watch"

    def __init__(self, lost: Callable[[str], None], poll: float):
        self.lost, self.poll = lost, poll
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)

    def start(self) -> Watch:
        self._thread.start()
        return self

    def check(self) -> str:
        raise NotImplementedError

    def _run(self) -> None:
        while not self._stop.wait(self.poll):
            why = self.check()
            if why:
                self.lost(why)
                return

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=30)


class WorkerWatch(Watch):
    """Lost when the scheduler has had no worker for ``patience`` seconds."""

    name = "deepgrade-worker-watch"

    def __init__(self, client: Any, lost: Callable[[str], None], patience: float, poll: float = POLL):
        super().__init__(lost, poll)
        self.client, self.patience = client, patience
        self._none_since: float | None = None

    def check(self) -> str:
        try:
            count = len(scheduler_workers(self.client))
        except Exception:  # the client is closing, or the scheduler did not answer this time
            return ""
        now = time.monotonic()
        if count:
            self._none_since = None
        elif self._none_since is None:
            self._none_since = now
        elif now - self._none_since >= self.patience:
            return (f"the cluster had no worker for {self.patience:g} s (a worker that died was not "
                    "started again: look at the cluster's log, or raise start_timeout)")
        return ""
