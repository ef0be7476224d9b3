"""How a cluster's workers are started on Slurm and on Kubernetes, from a :class:`ClusterConfig`.

Each job (Slurm) or pod (Kubernetes) runs ``cores`` Dask worker processes of one
thread each, in the job's Python environment (``python``, ``prologue``,
``env``). Invariants:

* Before its worker starts, every job checks that the course's sandbox works
  on its node (``python -m autograder.isolate --require BACKEND``) and
  stops otherwise, so a node that could only grade without protections never
  joins the cluster.
* A job with ``gpus`` advertises the Dask worker resource ``GPU`` on each of its
  workers; model exercises ask for it (``--device gpu|auto``), NumPy exercises
  do not.
* A scheduler started here gives up on a task at the first death of its worker
  (Dask's ``allowed-failures`` = 0) and the grader tries it again, up to
  :data:`MAX_TRIES` times in all (``cluster.ClusterGrading.grade``): a
  submission that kills its worker is marked ``error`` after a bounded number
  of tries, and a death is charged only to a task that ran alone.
* Rendering (:func:`slurm_options`, :func:`kubernetes_spec`) needs neither
  Slurm nor Kubernetes: it is plain data, tested as such.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

from .cluster_spec import ClusterConfig, ClusterSpecError

#: Deaths of its worker, while it ran alone, before a task is given up (counted by the grader).
MAX_TRIES = 3
#: The scheduler setting that bounds them.
ALLOWED_FAILURES = "distributed.scheduler.allowed-failures"


def sandbox_check(config: ClusterConfig) -> str:
    """The shell line a job runs before its worker: stop unless the sandbox works here."""
    python = shlex.quote(config.python)
    return (f"{python} -m autograder.isolate --require {config.sandbox} || "
            "{ echo \"deepgrade: no usable sandbox on $(hostname): this job starts no worker\" >&2; exit 1; }")


def environment_lines(config: ClusterConfig) -> list[str]:
    """``export NAME=value`` for the job's environment, then the prologue as written."""
    return [f"export {name}={shlex.quote(value)}" for name, value in config.env] + list(config.prologue)


def slurm_options(config: ClusterConfig) -> dict[str, Any]:
    """Keyword arguments of dask-jobqueue's ``SLURMCluster`` (0.8 or later)."""
    directives = list(config.job_extra_directives)
    if config.gpus:
        directives.append(f"--gres=gpu:{config.gpus}")
    options: dict[str, Any] = {
        "job_name": "deepgrade",
        "cores": config.cores,
        "processes": config.cores,  # one single-threaded worker per core
        "memory": config.memory,
        "walltime": config.walltime,
        "python": config.python,
        "job_script_prologue": [*environment_lines(config), sandbox_check(config)],
        "job_extra_directives": directives,
        "worker_extra_args": ["--resources", "GPU=1"] if config.gpus else [],
        "scheduler_options": {"dashboard_address": ":8787"},
    }
    if config.queue:
        options["queue"] = config.queue
    if config.account:
        options["account"] = config.account
    if config.local_directory:
        options["local_directory"] = config.local_directory
    if config.log_directory:  # absolute: a job resolves a relative path in its own working folder
        options["log_directory"] = str(Path(config.log_directory).expanduser().resolve())
    if config.interface:
        options["interface"] = config.interface
    if config.host:
        options["scheduler_options"] = {"host": config.host, "dashboard_address": f"{config.host}:0"}
    return options


def _k8s_memory(memory: str) -> str:
    """Dask's ``8GB`` / ``8GiB`` as Kubernetes quantities (``8G`` / ``8Gi``)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(i?)B?\s*", memory, re.IGNORECASE)
    if not match:
        raise ClusterSpecError(f"memory {memory!r}: write it like \"8GB\" or \"16GiB\"")
    number, unit, binary = match.groups()
    return f"{number}{unit.upper()}{'i' if binary else ''}"


def kubernetes_spec(config: ClusterConfig) -> dict[str, Any]:
    """The ``DaskCluster`` resource (Dask's Kubernetes operator, ``kubernetes.dask.org/v1``) for
    ``KubeCluster(custom_cluster_spec=...)``: ``jobs`` worker pods of ``cores`` workers each."""
    if not config.image:
        raise ClusterSpecError("--cluster kubernetes needs image = \"...\" in the cluster config: a container "
                               "image with deepgrade[cluster] and bubblewrap installed (docs/grading-a-class.md)")
    python = shlex.quote(config.python)
    env = [{"name": name, "value": value} for name, value in config.env]
    resources: dict[str, dict[str, str]] = {
        "requests": {"cpu": str(config.cores), "memory": _k8s_memory(config.memory)},
        "limits": {"cpu": str(config.cores), "memory": _k8s_memory(config.memory)},
    }
    if config.gpus:
        resources["limits"]["nvidia.com/gpu"] = str(config.gpus)
    worker = " ".join([
        *[line + " &&" for line in config.prologue],
        sandbox_check(config), "&&",
        f"exec {python} -m distributed.cli.dask_worker --name \"$DASK_WORKER_NAME\"",
        f"--nworkers {config.cores} --nthreads 1 --memory-limit auto --dashboard-address 8788",
        *(["--resources GPU=1"] if config.gpus else []),
    ])
    container: dict[str, Any] = {
        "name": "worker", "image": config.image, "imagePullPolicy": "IfNotPresent",
        "command": ["sh", "-c"], "args": [worker], "env": env, "resources": resources,
        "ports": [{"name": "http-dashboard", "containerPort": 8788, "protocol": "TCP"}],
    }
    if config.sandbox != "rlimits":
        # bubblewrap (or unshare) makes namespaces and mounts: the container may, the student's
        # process inside the sandbox may not (bwrap drops every capability but setuid/setgid,
        # which setpriv then drops too).
        container["securityContext"] = {"capabilities": {"add": ["SYS_ADMIN"]},
                                        "seccompProfile": {"type": "Unconfined"},
                                        "appArmorProfile": {"type": "Unconfined"}}
    scheduler = {
        "name": "scheduler", "image": config.image, "imagePullPolicy": "IfNotPresent",
        "args": [config.python, "-m", "distributed.cli.dask_scheduler", "--host", "0.0.0.0"],
        "env": [*env, {"name": "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES", "value": "0"}],
        "ports": [{"name": "tcp-comm", "containerPort": 8786, "protocol": "TCP"},
                  {"name": "http-dashboard", "containerPort": 8787, "protocol": "TCP"}],
        "readinessProbe": {"httpGet": {"port": "http-dashboard", "path": "/health"},
                           "initialDelaySeconds": 0, "periodSeconds": 1, "timeoutSeconds": 300},
        "livenessProbe": {"httpGet": {"port": "http-dashboard", "path": "/health"},
                          "initialDelaySeconds": 15, "periodSeconds": 20},
    }
    selector = {"dask.org/cluster-name": config.name, "dask.org/component": "scheduler"}
    metadata: dict[str, Any] = {"name": config.name}
    if config.namespace:
        metadata["namespace"] = config.namespace
    return {
        "apiVersion": "kubernetes.dask.org/v1",
        "kind": "DaskCluster",
        "metadata": metadata,
        "spec": {
            "idleTimeout": 0,
            "worker": {"replicas": config.jobs, "spec": {"containers": [container]}},
            "scheduler": {
                "spec": {"containers": [scheduler]},
                "service": {"type": "ClusterIP", "selector": selector,
                            "ports": [{"name": "tcp-comm", "protocol": "TCP", "port": 8786,
                                       "targetPort": "tcp-comm"},
                                      {"name": "http-dashboard", "protocol": "TCP", "port": 8787,
                                       "targetPort": "http-dashboard"}]},
            },
        },
    }
