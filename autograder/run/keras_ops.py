"""The student's side of model grading: train, build, predict, describe, in plain data.

Preloaded by the worker only for exercises with model checks, so the NumPy
exercises never import TensorFlow. It registers three requests:

``train``
    call the student's training function on the data the grader sends (training
    and validation only) with fixed seeds and op determinism; keep the model in
    this process (under its ``slot``: the learning check trains a second one on
    relabelled classes) and answer with its summary, training history and a digest of its
    weights (the integrity report compares digests; the weights stay here). With
    ``members``, the function returns that many models (one-vs-all): each is
    summarised, and ``predict`` answers with the list of their outputs. With
    ``pretrained`` (a released network's architecture and weights), the network
    is rebuilt here and passed first; the answer then says, for each of its
    ``keep`` layers, whether the returned model holds it and its weights after
    training (the grader compares them with the released ones).
``export``
    answer with a kept model's architecture and weights (``deepgrade release``
    makes a released network from the reference solution this way).
``build``
    call a model-building function, optionally ``set_weights``, and answer with
    the summary and the predictions on the inputs sent.
``predict``
    answer with the kept model's predictions on inputs the grader sends (the
    held-out images or reviews, never their labels).

The model object itself never leaves this process: the grader does every
comparison on the numbers it gets back.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from .codec import normalize
from .device import DeviceError, configure_tensorflow
from .keras_requests import BaseNetwork, TrainRequest
from .worker import HANDLERS, Submission, describe_exception

#: Models trained in this process, by the name of the function that trained them (and the
#: request's ``slot``, when there is one).
MODELS: dict[str, Any] = {}


def _model_key(request: dict[str, Any]) -> str:
    slot = request.get("slot")
    return f"{request['target']}#{slot}" if slot else str(request["target"])
_DEVICE: dict[str, Any] = {}


def _keras():
    """Import TensorFlow quietly and apply the device setting once."""
    import absl.logging
    import keras
    import tensorflow as tf

    absl.logging.set_verbosity(absl.logging.ERROR)
    tf.get_logger().setLevel("ERROR")
    if not _DEVICE:
        _DEVICE.update(configure_tensorflow(tf))
    return tf, keras


def _layer_entry(layer: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"class": type(layer).__name__, "name": str(layer.name)}
    activation = getattr(layer, "activation", None)
    if activation is not None:
        entry["activation"] = getattr(activation, "__name__", type(activation).__name__)
    for key in ("units", "filters", "rate"):
        if isinstance(getattr(layer, key, None), (int, float)):
            entry[key] = getattr(layer, key)
    wrapped = [getattr(layer, k, None) for k in ("forward_layer", "layer")]
    entry["wraps"] = sorted({type(w).__name__ for w in wrapped if w is not None})
    entry["trainable"] = bool(getattr(layer, "trainable", True))  # a frozen head learns nothing
    try:
        entry["params"] = int(layer.count_params())
    except Exception:  # an unbuilt layer
        entry["params"] = 0
    return entry


def _layers(model: Any) -> list[dict[str, Any]]:
    """Every layer, nested models flattened, wrappers (Bidirectional) kept with what they wrap."""
    out = []
    for layer in getattr(model, "layers", []):
        if hasattr(layer, "layers") and not getattr(layer, "forward_layer", None):
            out.extend(_layers(layer))
        else:
            out.append(_layer_entry(layer))
    return out


def _loss_name(model: Any) -> str:
    loss = getattr(model, "loss", None)
    if loss is None:
        return ""
    if isinstance(loss, str):
        return loss
    return str(getattr(loss, "name", None) or getattr(loss, "__name__", None) or type(loss).__name__)


def describe_model(model: Any) -> dict[str, Any]:
    """The plain-data summary the grader judges: layer classes, parameters, loss."""
    try:
        params = int(model.count_params())
    except Exception:
        params = -1
    optimizer = getattr(model, "optimizer", None)
    return {"class": type(model).__name__, "layers": _layers(model), "params": params,
            "loss": _loss_name(model),
            "optimizer": type(optimizer).__name__ if optimizer is not None else ""}


def _history(model: Any) -> dict[str, list[float]]:
    history = getattr(getattr(model, "history", None), "history", None)
    if not isinstance(history, dict):
        return {}
    out = {}
    for key, values in list(history.items())[:8]:
        try:
            out[str(key)] = [float(v) for v in list(values)[:500]]
        except (TypeError, ValueError):
            continue
    return out


def _is_model(obj: Any, keras: Any) -> bool:
    return isinstance(obj, keras.Model)


def weights_digest(models: Any) -> str:
    """SHA-256 of every weight (shape and bytes, layer by layer; each member of a list in turn):
    two models trained alike, or one's weights copied into the other, have the same digest."""
    import hashlib

    digest = hashlib.sha256()
    for model in models if isinstance(models, (list, tuple)) else [models]:
        for weights in model.get_weights():
            array = np.ascontiguousarray(weights)
            digest.update(f"{array.dtype.str}{array.shape}".encode())
            digest.update(array.tobytes())
    return digest.hexdigest()


def _failure(exc: BaseException, sub: Submission) -> dict[str, Any]:
    if isinstance(exc, DeviceError):
        return {"status": "protocol", "message": str(exc)}
    return {"status": "raised", "error": describe_exception(exc, sub.filenames)}


def _function(sub: Submission, target: str) -> tuple[dict[str, Any] | None, Any]:
    status, fn = sub.lookup(target)
    if status != "ok":
        return {"status": status}, None
    if not callable(fn):
        return {"status": "not_callable", "type": type(fn).__name__}, None
    return None, fn


def _not_a_model(obj: Any) -> dict[str, Any]:
    return {"status": "ok", "value": {"model": False, "type": type(obj).__name__}}


def _progress_callback(keras: Any, report: Any, target: str) -> Any:
    """A Keras callback that reports each finished epoch to the grader (for a live display)."""

    class Progress(keras.callbacks.Callback):
        def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
            numbers = {str(k): float(v) for k, v in (logs or {}).items() if isinstance(v, (int, float))}
            report({"target": target, "epoch": epoch + 1,
                    "epochs": int((self.params or {}).get("epochs") or 0), "logs": numbers})

    return Progress()


def _reporting_fit(keras: Any, callback: Any):
    """``Model.fit`` with ``callback`` added to whatever callbacks the student passes."""
    original = keras.Model.fit

    def fit(self: Any, *args: Any, **kwargs: Any) -> Any:
        kwargs["callbacks"] = [*(kwargs.get("callbacks") or []), callback]
        return original(self, *args, **kwargs)

    return original, fit


def train(sub: Submission, message: dict[str, Any]) -> dict[str, Any]:
    request = TrainRequest.from_json(message)
    target = request.target
    problem, fn = _function(sub, target)
    if problem:
        return problem
    original = None
    try:
        tf, keras = _keras()
        keras.utils.set_random_seed(request.seed)
        tf.config.experimental.enable_op_determinism()
        callback = _progress_callback(keras, sub.progress, target + (" (relabelled)" if request.slot else ""))
        original, keras.Model.fit = _reporting_fit(keras, callback)
        base = _pretrained(keras, request.base)
        args = [base, *request.args] if base is not None else request.args
        started = time.perf_counter()
        model = fn(*args)
        seconds = time.perf_counter() - started
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        return _failure(exc, sub)
    finally:
        if original is not None:
            keras.Model.fit = original
    if request.members:
        return _keep_members(model, request.members, message, keras, seconds)
    if not _is_model(model, keras):
        return _not_a_model(model)
    MODELS[_model_key(message)] = model
    value = {"model": True, "summary": describe_model(model), "history": _history(model),
             "seconds": round(seconds, 3), "device": dict(_DEVICE), "weights_digest": weights_digest(model)}
    if base is not None and request.base is not None:
        value["base_layers"] = _base_layers(base, model, list(request.base.keep))
    return {"status": "ok", "value": value}


def _pretrained(keras: Any, network: BaseNetwork | None) -> Any:
    """The released network, rebuilt from plain data (None when the training has none)."""
    if network is None:
        return None
    from .rebuild import build

    return build(keras, network.config, network.layers)


def _flat_layers(model: Any) -> list[Any]:
    out = []
    for layer in getattr(model, "layers", []):
        out.append(layer)
        if hasattr(layer, "layers"):
            out.extend(_flat_layers(layer))
    return out


def _base_layers(base: Any, model: Any, keep: list[str]) -> list[dict[str, Any]]:
    """For each kept layer of the released network: is it in the returned model, and its weights."""
    held = {id(layer) for layer in _flat_layers(model)}
    return [{"name": str(layer.name), "class": type(layer).__name__, "in_model": id(layer) in held,
             "weights": [normalize(np.asarray(w)) for w in layer.get_weights()]}
            for layer in _flat_layers(base) if type(layer).__name__ in keep]


def export(sub: Submission, request: dict[str, Any]) -> dict[str, Any]:
    model = MODELS.get(_model_key(request))
    if model is None or isinstance(model, list):
        return {"status": "protocol", "message": "no trained model in this process"}
    layers = [{"name": str(layer.name), "class": type(layer).__name__,
               "weights": [normalize(np.asarray(w)) for w in layer.get_weights()]}
              for layer in model.layers if layer.get_weights()]
    return {"status": "ok", "value": {"config": model.to_json(), "layers": layers}}


def _keep_members(models: Any, members: int, request: dict[str, Any], keras: Any, seconds: float) -> dict[str, Any]:
    """A one-vs-all answer: a list (or tuple) of ``members`` models, kept together."""
    if not isinstance(models, (list, tuple)) or not all(_is_model(m, keras) for m in models):
        kind = type(models).__name__
        if isinstance(models, (list, tuple)):
            kind = f"{kind} of {', '.join(sorted({type(m).__name__ for m in models})) or 'nothing'}"
        return {"status": "ok", "value": {"model": False, "type": kind, "members": members}}
    MODELS[_model_key(request)] = list(models)
    summaries = [describe_model(m) for m in models]
    summary = {"class": "Ensemble", "members": summaries, "layers": summaries[0]["layers"] if summaries else [],
               "params": sum(max(s["params"], 0) for s in summaries),
               "loss": summaries[0]["loss"] if summaries else ""}
    return {"status": "ok", "value": {"model": True, "summary": summary,
                                      "history": _history(models[0]) if models else {},
                                      "seconds": round(seconds, 3), "device": dict(_DEVICE),
                                      "weights_digest": weights_digest(list(models))}}


def _predict(model: Any, x: np.ndarray) -> np.ndarray:
    out = model.predict(x, batch_size=256, verbose=0)
    if isinstance(out, (list, tuple)) and len(out) == 1:
        out = out[0]
    return np.asarray(out)


def build(sub: Submission, request: dict[str, Any]) -> dict[str, Any]:
    target = str(request["target"])
    problem, fn = _function(sub, target)
    if problem:
        return problem
    try:
        _, keras = _keras()
        model = fn(*request.get("args", []), **request.get("kwargs", {}))
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        return _failure(exc, sub)
    if not _is_model(model, keras):
        return _not_a_model(model)
    value: dict[str, Any] = {"model": True, "summary": describe_model(model)}
    try:
        if request.get("weights") is not None:
            model.set_weights([np.asarray(w) for w in request["weights"]])
        if request.get("x") is not None:
            value["predictions"] = normalize(_predict(model, np.asarray(request["x"])))
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        return _failure(exc, sub)
    return {"status": "ok", "value": value}


def predict(sub: Submission, request: dict[str, Any]) -> dict[str, Any]:
    model = MODELS.get(_model_key(request))
    if model is None:
        return {"status": "protocol", "message": "no trained model in this process"}
    try:
        if isinstance(model, list):  # one-vs-all: each member's outputs, side by side in a list
            x = np.asarray(request["x"])
            return {"status": "ok", "value": [normalize(_predict(m, x)) for m in model]}
        return {"status": "ok", "value": normalize(_predict(model, np.asarray(request["x"])))}
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        return _failure(exc, sub)


HANDLERS.update({"train": train, "build": build, "predict": predict, "export": export})
