"""What ``deepgrade grade`` was asked to do: the one record of a run's choices, read by the
runner and by the strategy that grades (:mod:`.strategy`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..isolate.backends import SandboxLimits
from ..lms.late import LatePolicy
from ..lms.roster import Roster


@dataclass
class Options:
    workers: int = 1
    hidden: bool = True
    device: str | None = None  # cpu | gpu | auto; None: $DEEPGRADE_DEVICE, else auto
    limits: SandboxLimits = field(default_factory=SandboxLimits)
    backend: str = "auto"
    show_data: str = "auto"  # auto | hidden | visible
    exercises: list[str] = field(default_factory=list)
    use_cache: bool = True
    #: --cluster SPEC (autograder.batch.cluster_spec); None: this machine, no Dask.
    cluster: str | None = None
    cluster_config: Path | None = None
    #: Workers of ``--cluster local`` when SPEC gives no N (--workers, when given).
    cluster_workers: int | None = None
    #: Fork model submissions from a pre-warmed TensorFlow process per slot (--no-prewarm: off).
    prewarm: bool = True
    #: The download's source (--from); None: detected.
    source: str | None = None
    roster: Roster | None = None
    #: latest: grade each student's latest attempt; best: grade every attempt, keep the best.
    attempts: str = "latest"
    #: The course's late policy (deepgrade.toml [late]); None: the LMS's own flag only.
    late: LatePolicy | None = None

    @property
    def strategy(self) -> str:
        """The name of the strategy that grades (:data:`autograder.batch.runner.RUNNERS`)."""
        return "dask" if self.cluster else "local"
