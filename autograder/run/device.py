"""Where student models train: ``cpu``, ``gpu`` or ``auto``, one setting for every path.

The command line (``--device``), the pytest plugin (``--deepgrade-device``) and
nbgrader (the ``DEEPGRADE_DEVICE`` environment variable) all end here. The
grader turns the setting into the student's process environment
(:func:`device_env`); the student's process applies it before its first
TensorFlow operation (:func:`configure_tensorflow`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

DEVICES = ("cpu", "gpu", "auto")
ENV = "DEEPGRADE_DEVICE"


class DeviceError(RuntimeError):
    """The requested device cannot be used; the message says what to install or set."""


def requested_device(device: str | None = None) -> str:
    """The device asked for: the argument, else ``$DEEPGRADE_DEVICE``, else ``auto``."""
    value = (device or os.environ.get(ENV) or "auto").strip().lower()
    if value not in DEVICES:
        raise DeviceError(f"unknown device {value!r}: use one of {', '.join(DEVICES)} "
                          f"(--device or ${ENV})")
    return value


def device_env(device: str | None = None) -> dict[str, str]:
    """Environment for the student's process. ``cpu`` hides every GPU from TensorFlow."""
    value = requested_device(device)
    env = {ENV: value}
    if value == "cpu":
        env["CUDA_VISIBLE_DEVICES"] = "-1"
    return env


def configure_tensorflow(tf: Any, device: str | None = None) -> dict[str, Any]:
    """Apply the device setting inside the student's process; says what was used.

    ``auto`` and ``gpu`` turn memory growth on, so that several graders can share
    one GPU; ``gpu`` fails with a clear message when TensorFlow sees none.
    """
    value = requested_device(device)
    gpus = [] if value == "cpu" else tf.config.list_physical_devices("GPU")
    if value == "gpu" and not gpus:
        raise DeviceError("--device gpu, but TensorFlow sees no GPU: install the `gpu` extra "
                          "(pip install 'deepgrade[gpu]') on a machine with CUDA, or use --device cpu")
    for gpu in gpus:
        try:
            tf.config.experimental.set_memory_growth(gpu, True)
        except (RuntimeError, ValueError):
            pass  # already initialised: growth cannot change any more
    return {"requested": value, "used": "gpu" if gpus else "cpu", "gpus": len(gpus)}


def gpu_devices() -> list[Path]:
    """This host's NVIDIA GPUs, as device files (``/dev/nvidia0``, ...)."""
    return sorted(Path("/dev").glob("nvidia[0-9]*"))
