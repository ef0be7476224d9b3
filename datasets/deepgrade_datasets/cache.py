"""Small ``.npz`` cache for parsed data sets.

Parsing text/CSV sources takes seconds; loading an ``.npz`` takes
milliseconds, which keeps tests and grading runs fast.  Cache file names
include a loader version and a fingerprint of the source file and of the
manifest entry, so a changed source, split size or parsing rule never
returns stale arrays.  Writes are atomic (temp file + ``os.replace``) so
concurrent graders cannot read a half-written file; an unwritable cache only
costs speed, never correctness.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from .paths import cache_dir

Arrays = dict[str, np.ndarray]


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def spec_digest(spec: object) -> str:
    """Short digest of a manifest entry, so cache keys change when split sizes/seeds change."""
    text = json.dumps(spec, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _read(path: Path) -> Arrays | None:
    try:
        with np.load(path, allow_pickle=False) as npz:
            return {name: npz[name] for name in npz.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError):
        return None  # missing or corrupt: rebuild


def _write(path: Path, arrays: Arrays) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    except OSError:
        return  # read-only or missing cache dir: just don't cache
    try:
        with os.fdopen(fd, "wb") as handle:
            np.savez(handle, **arrays)  # type: ignore[arg-type]  # numpy's stub types **kwds as allow_pickle
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def cached_arrays(key: str, build: Callable[[], Arrays]) -> Arrays:
    """Return arrays stored under ``key`` in the cache, building them if absent."""
    path = cache_dir() / "parsed" / f"{key}.npz"
    arrays = _read(path)
    if arrays is None:
        arrays = build()
        _write(path, arrays)
    return arrays
