"""Where data is read from and where parsed copies are cached.

Two directories are kept apart on purpose: the *data* directory may be
read-only (CI mounts ``../shared/data``), so everything the loaders write
(downloads, ``.npz`` caches) goes to the *cache* directory.

Environment variables:

``DEEPGRADE_DATA``
    Directory holding the original data files (e.g. ``../shared/data``).
    Relative paths are resolved against the current working directory.
    Default: the cache directory.
``DEEPGRADE_CACHE``
    Writable directory for downloads and parsed ``.npz`` copies.
    Default: ``$XDG_CACHE_HOME/deepgrade`` or ``~/.cache/deepgrade``.
``DEEPGRADE_OFFLINE``
    ``1``/``true``/``yes`` forbids any download (tests and CI set it).
"""

from __future__ import annotations

import os
from pathlib import Path

DATA_ENV = "DEEPGRADE_DATA"
CACHE_ENV = "DEEPGRADE_CACHE"
OFFLINE_ENV = "DEEPGRADE_OFFLINE"


def _user_cache_dir() -> Path:
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "deepgrade"


def cache_dir() -> Path:
    """Writable cache directory (not created here; writers create it lazily)."""
    value = os.environ.get(CACHE_ENV)
    return Path(value).expanduser().resolve() if value else _user_cache_dir()


def data_dir() -> Path:
    """Directory searched first for original data files (never written to)."""
    value = os.environ.get(DATA_ENV)
    return Path(value).expanduser().resolve() if value else cache_dir()


def offline() -> bool:
    """True when downloads are forbidden via ``DEEPGRADE_OFFLINE``."""
    return os.environ.get(OFFLINE_ENV, "").strip().lower() in {"1", "true", "yes", "on"}
