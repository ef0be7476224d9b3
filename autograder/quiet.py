"""Keeping TensorFlow's C++, absl and oneDNN log lines out of every output.

``TF_CPP_MIN_LOG_LEVEL=3`` alone is not enough: oneDNN and absl print before
or besides it. These variables must be set before TensorFlow is imported, so
the grader sets them at start-up and passes them to every student process.

Keras 3 imports matplotlib, which builds its font cache on a machine's (or a
sandbox's) first import and, when that takes over 5 s (a loaded machine), logs
one warning that is no more the student's output than TensorFlow's lines.
"""

from __future__ import annotations

import logging
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


FONT_CACHE_NOTICE = "Matplotlib is building the font cache"


class _DropFontCacheNotice(logging.Filter):
    """Drops matplotlib's one-time font-cache warning, and nothing else it logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(FONT_CACHE_NOTICE)


def quiet_tensorflow() -> None:
    """Set the quieting variables in this process (existing settings win) and drop the
    font-cache notice of the matplotlib that Keras imports; before Keras is imported."""
    for key, value in QUIET_ENV.items():
        os.environ.setdefault(key, value)
    fonts = logging.getLogger("matplotlib.font_manager")
    if not any(isinstance(f, _DropFontCacheNotice) for f in fonts.filters):
        fonts.addFilter(_DropFontCacheNotice())


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
    FONT_CACHE_NOTICE,
])
TF_LOG_PATTERN = rf"\A(?:(?:{_TF_LOG_LINE})[^\n]*(?:\n|\Z)|[ \t]*\n)+\Z"
#: One such log line (autograde drops them from the stderr of a student's cell).
TF_LOG_LINE = re.compile(rf"(?:{_TF_LOG_LINE})")
