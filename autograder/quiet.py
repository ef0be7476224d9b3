"""Keeping TensorFlow's C++, absl and oneDNN log lines out of every output.

``TF_CPP_MIN_LOG_LEVEL=3`` alone is not enough: oneDNN and absl print before
or besides it. These variables must be set before TensorFlow is imported, so
the grader sets them at start-up and passes them to every student process.
"""

from __future__ import annotations

import os
import re

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


#: Lines TensorFlow and its libraries write on stderr by themselves. nbgrader's
#: IgnorePattern drops a whole stderr output when ``re.search`` finds the pattern in
#: it, so the pattern matches only an output whose every line is such a log line:
#: a real warning or error printed in the same output is kept.
_TF_LOG_LINE = "|".join([
    r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: [IWEF] \S+:\d+\]",      # 2025-01-01 12:00:00.123: I tensorflow/...:113]
    r"[IWEF]\d{4} \d\d:\d\d:\d+\.\d+ +\d+ \S+:\d+\]",               # E0000 00:00:1730000000.1   123 cuda_dnn.cc:8310]
    r"WARNING: All log messages before absl::InitializeLog\(\) is called",
    r"WARNING:absl:",
    r"To enable the following instructions:",
    r"oneDNN custom operations are on",
    r"This TensorFlow binary is optimized",
    r"Could not find cuda drivers",
])
TF_LOG_PATTERN = rf"\A(?:(?:{_TF_LOG_LINE})[^\n]*(?:\n|\Z)|[ \t]*\n)+\Z"
#: One such log line (autograde drops them from the stderr of a student's cell).
TF_LOG_LINE = re.compile(rf"(?:{_TF_LOG_LINE})")
