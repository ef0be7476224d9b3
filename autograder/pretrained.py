"""Released networks for transfer learning: one JSON file, its architecture and weights.

The file is plain data (Keras's ``to_json`` architecture, the weights as exact
number lists, the hash of the source that made it, its measured accuracy), so
the grader reads it without Keras and sends it to the student's process, where
it is rebuilt. Students load it in their notebook with :func:`load_model`.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .run.codec import from_json, to_json
from .run.rebuild import build

FORMAT = 1


def model_file_text(*, config: str, layers: list[dict[str, Any]], made_from: str, about: dict[str, Any]) -> str:
    """The file's text: ``layers`` are ``{"name", "class", "weights": [arrays]}`` of the layers
    that have weights, in the model's order."""
    data = {"format": FORMAT, "made_from": made_from, **about, "config": json.loads(config),
            "layers": [{"name": layer["name"], "class": layer["class"],
                        "weights": [to_json(np.asarray(w)) for w in layer["weights"]]} for layer in layers]}
    return json.dumps(data) + "\n"


def made_from(path: Path) -> str:
    """The source hash recorded in a released network's file ("" when there is none)."""
    try:
        return str(json.loads(path.read_text()).get("made_from", ""))
    except (OSError, ValueError):
        return ""


@lru_cache(maxsize=8)
def _read(path: str, stamp: int) -> dict[str, Any]:
    data = json.loads(Path(path).read_text())
    if data.get("format") != FORMAT:
        raise ValueError(f"{path}: not a released network file (format {data.get('format')!r})")
    return {"config": json.dumps(data["config"]),
            "layers": [{"name": str(layer["name"]), "class": str(layer["class"]),
                        "weights": [from_json(w) for w in layer["weights"]]} for layer in data["layers"]]}


def read_model_file(path: Path) -> dict[str, Any]:
    """``{"config": JSON text, "layers": [{"name", "class", "weights"}]}``: what the student's
    process rebuilds, and what the grader compares a frozen layer's weights with."""
    return _read(str(path), path.stat().st_mtime_ns)


def load_model(path: str | Path) -> Any:
    """The released network as a Keras model (for a student's notebook)."""
    import keras

    data = read_model_file(Path(path))
    return build(keras, data["config"], data["layers"])
