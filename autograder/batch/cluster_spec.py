"""What ``deepgrade grade --cluster SPEC [--cluster-config FILE]`` asks for, checked before anything starts.

SPEC is one of ``local`` / ``local:N`` (a Dask ``LocalCluster`` on this
machine, loopback only), ``tcp://HOST:PORT`` (a running Dask scheduler),
``slurm`` (dask-jobqueue's ``SLURMCluster``) or ``kubernetes`` (a Dask
operator ``DaskCluster``). The config file is TOML with the keys of
:class:`ClusterConfig`. Invariants:

* Parsing never imports Dask and never touches the network: a bad SPEC or a
  bad config is a :class:`ClusterSpecError` (a usage error, exit 2) whose
  message says how to write it, before a scheduler or a job exists.
* A config is plain data: every key is known and of the right type; unknown
  keys are refused (a typo must not silently drop a GPU request).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from ..isolate.backends import backend_names

#: The forms of SPEC, for error messages.
SPEC_FORMS = ("local", "local:N", "tcp://HOST:PORT", "slurm", "kubernetes")


class ClusterSpecError(ValueError):
    """A SPEC or a cluster config that cannot be used; the message says how to fix it."""


@dataclass(frozen=True)
class ClusterSpec:
    """A parsed SPEC: ``kind`` is local, tcp, slurm or kubernetes."""

    kind: str
    workers: int | None = None  # local:N (None: --workers, else this machine's cores)
    address: str = ""  # tcp://HOST:PORT

    def __str__(self) -> str:
        if self.kind == "local":
            return "local" if self.workers is None else f"local:{self.workers}"
        return self.address if self.kind == "tcp" else self.kind


def parse_spec(text: str) -> ClusterSpec:
    """``local[:N]``, ``tcp://HOST:PORT``, ``slurm`` or ``kubernetes``; anything else is a
    :class:`ClusterSpecError` that lists the forms."""
    spec = text.strip()
    lowered = spec.lower()
    if lowered in ("slurm", "kubernetes"):
        return ClusterSpec(lowered)
    if lowered == "local":
        return ClusterSpec("local")
    if lowered.startswith("local:"):
        count = spec.split(":", 1)[1]
        if not count.isdigit() or int(count) < 1:
            raise ClusterSpecError(f"--cluster {text!r}: N in local:N is the number of worker processes, "
                                   "a whole number from 1 (e.g. --cluster local:4)")
        return ClusterSpec("local", workers=int(count))
    match = re.fullmatch(r"tcp://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})", spec)
    if match and 0 < int(match.group(2)) < 65536:
        return ClusterSpec("tcp", address=spec)
    if lowered.startswith("tcp://") or "://" in lowered:
        raise ClusterSpecError(f"--cluster {text!r}: a scheduler's address is tcp://HOST:PORT, e.g. "
                               "tcp://10.0.0.5:8786 (what `dask scheduler` prints as 'Scheduler at')")
    raise ClusterSpecError(f"--cluster {text!r} is not a cluster: use one of {', '.join(SPEC_FORMS)} "
                           "(e.g. --cluster local:4 on this machine; see docs/grading-a-class.md)")


@dataclass(frozen=True)
class ClusterConfig:
    """``--cluster-config FILE``: how a Slurm or Kubernetes cluster's workers are started.

    Per job (Slurm) or per pod (Kubernetes): ``cores`` worker processes of one
    thread each, ``memory`` and ``gpus`` shared by them. ``jobs`` is how many
    jobs or pods to start. ``python``, ``prologue`` and ``env`` make the job's
    Python environment (the one with deepgrade installed); ``sandbox`` is the
    backend every worker must have (the job stops before its worker starts when
    the node lacks it).
    """

    jobs: int = 1
    cores: int = 1
    memory: str = "8GB"
    walltime: str = "01:00:00"
    gpus: int = 0
    python: str = "python3"
    prologue: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    sandbox: str = "auto"
    queue: str = ""
    account: str = ""
    job_extra_directives: tuple[str, ...] = ()
    local_directory: str = ""
    #: Where each Slurm job writes its output (``deepgrade-JOBID.out``/``.err``); Slurm's default otherwise.
    log_directory: str = ""
    #: The scheduler's interface or host as the workers reach it (Slurm: the login node's, e.g. ib0).
    interface: str = ""
    host: str = ""
    #: Seconds to wait for the first worker (a job in the queue).
    start_timeout: float = 600.0
    #: Slurm: seconds between two looks at the jobs (one ``squeue``) while grading, so how long a
    #: run whose jobs all ended (a walltime reached, a job cancelled) waits before it says so.
    job_poll: float = 10.0
    # Kubernetes
    image: str = ""
    namespace: str = ""
    name: str = "deepgrade"

    @property
    def environment(self) -> dict[str, str]:
        return dict(self.env)


_SANDBOXES = ("auto", *backend_names())


def load_config(path: Path | None) -> ClusterConfig:
    """The config in ``path`` (TOML), or the defaults when ``path`` is None."""
    import tomllib

    if path is None:
        return ClusterConfig()
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ClusterSpecError(f"--cluster-config {path}: no such file") from None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ClusterSpecError(f"--cluster-config {path} is not TOML: {exc}") from None
    return config_from_dict(data, str(path))


def config_from_dict(data: dict[str, Any], where: str = "the cluster config") -> ClusterConfig:
    """Check every key's name and type; a wrong one names the key and what it should be."""
    known = {f.name: f for f in fields(ClusterConfig)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            raise ClusterSpecError(f"{where}: unknown key {key!r} (known: {', '.join(sorted(known))})")
        default = getattr(ClusterConfig(), key)
        if key == "env":
            if not isinstance(value, dict) or not all(isinstance(v, (str, int, float)) for v in value.values()) \
                    or not all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", k) for k in value):
                raise ClusterSpecError(f"{where}: env is a table of NAME = \"value\", "
                                       "e.g. env = { DEEPGRADE_OFFLINE = \"1\" }")
            values[key] = tuple((k, str(v)) for k, v in value.items())
        elif isinstance(default, tuple):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ClusterSpecError(f"{where}: {key} is a list of strings, e.g. {key} = [\"...\"]")
            values[key] = tuple(value)
        elif isinstance(default, bool) or isinstance(value, bool):
            raise ClusterSpecError(f"{where}: {key} must be a {type(default).__name__}")
        elif isinstance(default, int) and not isinstance(default, bool):
            if not isinstance(value, int) or value < (0 if key == "gpus" else 1):
                raise ClusterSpecError(f"{where}: {key} is a whole number "
                                       f"{'from 0' if key == 'gpus' else 'from 1'}, e.g. {key} = {default or 1}")
            values[key] = value
        elif isinstance(default, float):
            if not isinstance(value, (int, float)) or value <= 0:
                raise ClusterSpecError(f"{where}: {key} is a number of seconds, e.g. {key} = {default:g}")
            values[key] = float(value)
        else:
            if not isinstance(value, str):
                raise ClusterSpecError(f"{where}: {key} is a string, e.g. {key} = \"{default}\"")
            values[key] = value
    config = ClusterConfig(**values)
    if config.sandbox not in _SANDBOXES:
        raise ClusterSpecError(f"{where}: sandbox is one of {', '.join(_SANDBOXES)}")
    return config

