"""A released network rebuilt from plain data in a process that has Keras.

The student's process (:mod:`.keras_ops`) and a student's notebook
(:func:`autograder.pretrained.load_model`) both rebuild it here, so the process
boundary never imports the release's file reader above it.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def build(keras: Any, config: str, layers: list[dict[str, Any]]) -> Any:
    """The model of ``config`` (Keras's ``to_json``) with each named layer's ``weights`` set."""
    model = keras.models.model_from_json(config)
    for layer in layers:
        model.get_layer(layer["name"]).set_weights([np.asarray(w) for w in layer["weights"]])
    return model
