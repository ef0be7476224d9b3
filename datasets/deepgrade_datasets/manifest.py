"""Access to ``manifest.json``, the single record of what each data set must be.

Keeping URLs, checksums, shapes and class counts in one data file (shipped as
package data) lets loaders, tests and documentation agree on the same facts.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def _manifest() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("manifest.json").read_text(encoding="utf-8")
    return json.loads(text)


def entry(name: str) -> dict[str, Any]:
    """Manifest entry of data set ``name`` (a fresh copy, safe to modify)."""
    return json.loads(json.dumps(_manifest()["datasets"][name]))


def data_sets() -> dict[str, dict[str, Any]]:
    """Every data set's manifest entry by name (fresh copies)."""
    return {name: entry(name) for name in _manifest()["datasets"]}
