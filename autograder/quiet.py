"""Keeping TensorFlow's C++, absl and oneDNN log lines out of every output.

``TF_CPP_MIN_LOG_LEVEL=3`` alone is not enough: oneDNN and absl print before
or besides it. These variables must be set before TensorFlow is imported, so
the grader sets them at start-up and passes them to every student process.
"""

from __future__ import annotations

import os

QUIET_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "ABSL_MIN_LOG_LEVEL": "3",
    "GRPC_VERBOSITY": "ERROR",
    "GLOG_minloglevel": "3",
    "AUTOGRAPH_VERBOSITY": "0",
}


def quiet_tensorflow() -> None:
    """Set the quieting variables in this process (existing settings win)."""
    for key, value in QUIET_ENV.items():
        os.environ.setdefault(key, value)
