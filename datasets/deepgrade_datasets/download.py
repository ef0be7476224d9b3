"""Guarded download of public data files into the cache directory.

Kept separate so tests can replace one function (``fetch_bytes``) and so the
offline switch is enforced in exactly one place.
"""

from __future__ import annotations

import os
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from .errors import DataUnavailable
from .paths import OFFLINE_ENV, offline

TIMEOUT_S = 60


def fetch_bytes(url: str) -> bytes:
    """GET ``url`` and return the body (the only place that touches the network)."""
    request = urllib.request.Request(url, headers={"User-Agent": "deepgrade-datasets"})
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
        return response.read()


def download(url: str, target: Path, how_to_fix: str) -> bytes:
    """Download ``url``; return its bytes. Raise ``DataUnavailable`` if offline or failing.

    The caller verifies the content before calling :func:`store`, so a wrong
    file never lands in the cache.
    """
    if offline():
        raise DataUnavailable(
            f"{target.name} is not available locally and downloads are disabled "
            f"({OFFLINE_ENV}={os.environ.get(OFFLINE_ENV)}).\n{how_to_fix}"
        )
    try:
        return fetch_bytes(url)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise DataUnavailable(f"Could not download {url}: {exc}.\n{how_to_fix}") from exc


def store(content: bytes, target: Path) -> bool:
    """Atomically write verified ``content`` to ``target``; False if not writable."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".tmp")
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.replace(tmp, target)
        return True
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return False
