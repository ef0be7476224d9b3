"""Judging a trained model from plain data: its layer summary and its predictions.

Everything here runs in the grader. The student's process sent a summary
(layer classes, activations, parameter count, loss name) and an array of
predictions; the labels they are scored against never left the grader.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..spec import Architecture

IGNORED_LAYERS = {"InputLayer"}
PROBABILITY_TOLERANCE = 1e-3

def layer_classes(summary: dict[str, Any]) -> list[str]:
    """Each layer's class, and the classes it wraps (``Bidirectional`` wraps ``LSTM``)."""
    out = []
    for layer in summary.get("layers", []):
        if layer.get("class") in IGNORED_LAYERS:
            continue
        out.append(str(layer.get("class")))
        out.extend(str(w) for w in layer.get("wraps", []))
    return out


class Problem(NamedTuple):
    """What is wrong with a model: the message, the hint, and the mistake's id."""

    message: str
    hint: str
    mistake: str = ""


def _layer_id(cls: str) -> str:
    return "layer_" + cls.lower()


def architecture_problem(summary: dict[str, Any], arch: Architecture) -> Problem | None:
    """What is wrong when the layers break the exercise's rules, else None."""
    classes = layer_classes(summary)
    if not classes:
        return Problem("the model has no layers", "Build the model from layers, e.g. keras.Sequential([...]).",
                       "no_layers")
    if arch.allowed:
        extra = [c for c in dict.fromkeys(classes) if c not in arch.allowed]
        if extra:
            hint = next((arch.hints[c] for c in extra if c in arch.hints), "")
            return Problem(f"the model has {', '.join(extra)} layer(s); this exercise allows only "
                           f"{', '.join(arch.allowed)}", hint or arch.missing_hint, _layer_id(extra[0]))
    for description, options in arch.required.items():
        if not any(c in options for c in classes):
            present = next((c for c in classes if c in arch.hints), "")
            return Problem(f"the model has no {description} (its layers: {', '.join(classes)})",
                           arch.hints[present] if present else arch.missing_hint,
                           _layer_id(present) if present else "missing_" + _layer_id(options[0]))
    return None


def params_problem(summary: dict[str, Any], arch: Architecture) -> Problem | None:
    params = int(summary.get("params", -1))
    if params > arch.max_params:
        return Problem(f"the model has {params:,} parameters, over this exercise's budget of {arch.max_params:,}",
                       "A model this large is not needed here and trains slowly: use fewer or smaller layers.",
                       "too_many_parameters")
    return None


def output_problem(predictions: Any, n: int, arch: Architecture, output_hint: str = "") -> Problem | None:
    """The predictions' shape and range: (n, outputs) probabilities. ``output_hint`` says what the
    last layer must be (worded by the course's data task)."""
    if not isinstance(predictions, np.ndarray) or predictions.dtype.kind not in "fiu":
        return Problem(f"predict returned {type(predictions).__name__}, not an array of numbers",
                       "Return the Keras model itself from your function, not its predictions or history.",
                       "not_a_model")
    p = predictions
    if arch.outputs == 1 and p.ndim == 1:
        p = p[:, None]
    if p.ndim != 2 or p.shape != (n, arch.outputs):
        want = f"({n}, {arch.outputs})" + (f" or ({n},)" if arch.outputs == 1 else "")
        return Problem(f"the model's output has shape {predictions.shape}; expected {want}",
                       output_hint or f"The last layer needs {arch.outputs} unit(s).", "wrong_output_units")
    if not np.all(np.isfinite(p)):
        return Problem("the model predicts NaN or infinity",
                       "Training diverged: lower the learning rate, and check the inputs are scaled to [0, 1].",
                       "diverged")
    in_range = (p >= -PROBABILITY_TOLERANCE).all() and (p <= 1 + PROBABILITY_TOLERANCE).all()
    if arch.output_activation == "softmax" and not (
            in_range and np.allclose(p.sum(axis=1), 1.0, atol=PROBABILITY_TOLERANCE * arch.outputs)):
        return Problem("the model's outputs are not probabilities (rows do not sum to 1)",
                       f"End with activation='softmax' so that each row holds the {arch.outputs} class "
                       "probabilities.", "no_softmax_output")
    if arch.output_activation == "sigmoid" and not in_range:
        return Problem("the model's outputs are not probabilities (values outside [0, 1])",
                       "End with Dense(1, activation='sigmoid').", "no_sigmoid_output")
    return None


def predicted_labels(predictions: np.ndarray, classes: int) -> np.ndarray:
    if classes == 2:
        return (np.asarray(predictions, dtype=np.float64).reshape(len(predictions), -1)[:, -1] > 0.5).astype(int)
    return np.asarray(predictions).argmax(axis=1)


def accuracy(predictions: np.ndarray, labels: np.ndarray, classes: int) -> float:
    return float(np.mean(predicted_labels(predictions, classes) == np.asarray(labels)))


def confusion_matrix(predictions: np.ndarray, labels: np.ndarray, classes: int) -> list[list[int]]:
    """Rows: true class; columns: predicted class."""
    pred = predicted_labels(predictions, classes)
    counts = np.bincount(np.asarray(labels) * classes + pred, minlength=classes * classes)
    return counts.reshape(classes, classes).astype(int).tolist()
