"""The Dask strategy: a class graded on a Dask cluster (``--cluster SPEC``), one task per
submission (:mod:`.cluster` holds the engine). Dask is imported only when this strategy is
made, so a run on this machine never imports it."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..course import Course
from ..isolate.backends import Sandbox
from .bundle import make_bundle
from .grading import grader_failure, trains_models
from .options import Options
from .strategy import GradedJob, Job, Say, Work

if TYPE_CHECKING:
    from .cluster import ClusterGrading


class DaskRunner:
    """Tasks on the Dask cluster ``options.cluster`` names (:class:`~.strategy.Runner`): started
    (or connected to) and probed when made, closed (with any cluster it started) by :meth:`close`."""

    def __init__(self, options: Options, say: Say):
        from .cluster import ClusterGrading
        from .cluster_spec import load_config, parse_spec

        spec, config = parse_spec(options.cluster or ""), load_config(options.cluster_config)
        self.cluster: ClusterGrading = ClusterGrading(spec, config, workers=options.cluster_workers, log=say).open()
        self.resources: dict[str, dict[str, float] | None] = {}

    def prepare(self, course: Course, exercises: list[str], hidden: bool, device: str | None) -> None:
        # Which tasks ask for a GPU: decided (and --device gpu without GPU workers refused)
        # from the checks' declarations, before the reference solutions run.
        self.resources = {n: self.cluster.resources(trains_models(course, n, hidden), device) for n in exercises}

    def sandbox(self, options: Options, hide: tuple[Path, ...]) -> Sandbox:
        # Each worker grades in its own host's sandbox: the run's backend is the best that
        # works on all of them (part of every cache key, as the local backend is).
        return replace(self.cluster.sandbox(options.backend), show_data=options.show_data == "visible")

    def describe(self, sandbox: Sandbox) -> str:
        return self.cluster.describe() + "; " + sandbox.describe()

    def grade(self, work: Work, jobs: list[Job]) -> Iterator[GradedJob]:
        from .cluster import Submitted, make_task

        pending = [Submitted(j.index, j.found, j.key, work.max_scores.get(j.found.exercise, 0.0)) for j in jobs]
        by_index = {j.index: j for j in jobs}
        task = functools.partial(make_task, reject=work.course.rejected_files, hidden=work.hidden,
                                 limits=work.limits, backend=work.sandbox.name, show_data=work.sandbox.show_data,
                                 grader=work.grader, hide=tuple(str(p) for p in work.hide), prewarm=work.prewarm)
        graded = self.cluster.grade(make_bundle(work.course), pending, task,
                                    resources=lambda s: self.resources.get(s.found.exercise),
                                    failure=lambda s, exc, what: grader_failure(s.found, s.max_score, exc, what))
        for sub, record, cacheable in graded:
            yield GradedJob(by_index[sub.index], record, cacheable)

    def close(self) -> None:
        self.cluster.close()
