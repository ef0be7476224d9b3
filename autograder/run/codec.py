"""Plain data: the only thing that crosses between a student's process and the grader.

Values are numbers, strings, None, tuples and lists of values, and numeric NumPy
arrays. Anything else is reduced to an :class:`Opaque` description (its type name
and a short repr). Nothing is ever unpickled: arrays travel in the ``.npy``
format and are read back with ``allow_pickle=False``.

Two wire forms share one tree shape:

* :func:`to_wire` / :func:`from_wire` put arrays in side buffers (fast, binary),
  for the process protocol;
* :func:`to_json` / :func:`from_json` inline arrays as lists (exact, diffable),
  for recorded expectations committed to the repository.
"""

from __future__ import annotations

import io
import math
import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np

#: dtype kinds that may cross the boundary (bool, signed, unsigned, float).
NUMERIC_KINDS = "biuf"
#: A repr longer than this is cut: a student's object cannot flood a report.
MAX_REPR = 200
#: Deeper nesting than this is reduced to Opaque: protects the grader from
#: self-referencing lists and absurd structures.
MAX_DEPTH = 8


@dataclass(frozen=True)
class Opaque:
    """A value the grader will not accept as data: only its type and a short repr."""

    type_name: str
    text: str

    def __repr__(self) -> str:
        return f"<{self.type_name}: {self.text}>"


def _short(text: str, limit: int = MAX_REPR) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _safe_repr(value: Any) -> str:
    try:
        return _short(repr(value))
    except Exception as exc:  # a student's __repr__ may raise
        return f"<repr failed: {type(exc).__name__}>"


def _plain_array(value: Any) -> np.ndarray | None:
    """A fresh base-class ndarray of a numeric dtype, or None if there is none."""
    try:
        arr = np.array(value, copy=True, order="C")
    except Exception:
        return None
    arr = arr.view(np.ndarray) if type(arr) is not np.ndarray else arr
    if arr.dtype.kind == "O":
        try:
            arr = arr.astype(np.float64)
        except Exception:
            return None
    if arr.dtype.kind not in NUMERIC_KINDS:
        return None
    return arr if arr.flags.c_contiguous else arr.copy(order="C")


def normalize(value: Any, depth: int = 0) -> Any:
    """Reduce any Python object to the plain-data tree (runs in the student's process)."""
    if depth > MAX_DEPTH:
        return Opaque(type(value).__name__, "nested too deeply")
    if value is None or type(value) in (bool, int, float, str):
        if type(value) is str:
            return _short(value, 2000)
        return value
    if isinstance(value, (np.ndarray, np.generic)):
        arr = _plain_array(value)
        return arr if arr is not None else Opaque(type(value).__name__, _safe_repr(value))
    if isinstance(value, bool):  # pragma: no cover - bool subclasses are impossible
        return bool(value)
    if isinstance(value, numbers.Integral):
        try:
            return int(value)
        except Exception:
            return Opaque(type(value).__name__, _safe_repr(value))
    if isinstance(value, numbers.Real):
        try:
            return float(value)
        except Exception:
            return Opaque(type(value).__name__, _safe_repr(value))
    if type(value) in (tuple, list):
        items = [normalize(v, depth + 1) for v in value[:100_000]]
        return tuple(items) if type(value) is tuple else items
    if type(value) is dict:
        return {_short(str(k), 100): normalize(v, depth + 1) for k, v in list(value.items())[:1000]}
    if hasattr(value, "__array__") or hasattr(value, "numpy"):
        # TensorFlow tensors and similar array-likes: take their values as an array.
        try:
            raw = value.numpy() if hasattr(value, "numpy") else value
        except Exception:
            raw = value
        arr = _plain_array(raw)
        if arr is not None:
            return arr
    return Opaque(type(value).__name__, _safe_repr(value))


# --- wire form: arrays in side buffers -------------------------------------------------


def to_wire(value: Any, buffers: list[bytes]) -> Any:
    """Tree -> JSON-able header; arrays are appended to ``buffers`` as .npy bytes."""
    if isinstance(value, np.ndarray):
        out = io.BytesIO()
        np.save(out, value, allow_pickle=False)
        buffers.append(out.getvalue())
        return {"t": "ndarray", "buf": len(buffers) - 1}
    if isinstance(value, Opaque):
        return {"t": "opaque", "type": value.type_name, "text": value.text}
    if isinstance(value, tuple):
        return {"t": "tuple", "items": [to_wire(v, buffers) for v in value]}
    if isinstance(value, list):
        return {"t": "list", "items": [to_wire(v, buffers) for v in value]}
    if isinstance(value, float) and not math.isfinite(value):
        return {"t": "float", "v": repr(value)}
    if isinstance(value, dict):
        return {"t": "dict", "items": {str(k): to_wire(v, buffers) for k, v in value.items()}}
    return value


def from_wire(header: Any, buffers: list[bytes]) -> Any:
    """Header + buffers -> tree. Runs in the grader: trusts nothing, unpickles nothing."""
    if isinstance(header, dict):
        kind = header.get("t")
        if kind == "ndarray":
            arr = np.load(io.BytesIO(buffers[int(header["buf"])]), allow_pickle=False)
            if arr.dtype.kind not in NUMERIC_KINDS:
                raise ValueError(f"array of dtype {arr.dtype} is not plain data")
            return arr
        if kind == "opaque":
            return Opaque(_short(str(header.get("type", "?")), 80), _short(str(header.get("text", ""))))
        if kind in ("tuple", "list"):
            items = [from_wire(v, buffers) for v in header.get("items", [])]
            return tuple(items) if kind == "tuple" else items
        if kind == "float":
            return float(header["v"])
        if kind == "dict":
            return {str(k): from_wire(v, buffers) for k, v in header.get("items", {}).items()}
        raise ValueError(f"unknown value kind {kind!r}")
    if header is None or type(header) in (bool, int, float, str):
        return header
    raise ValueError(f"unexpected {type(header).__name__} in plain data")


# --- JSON form: arrays inline ------------------------------------------------------------


def to_json(value: Any) -> Any:
    """Tree -> JSON-able structure with arrays written out as exact lists."""
    if isinstance(value, np.ndarray):
        return {"t": "ndarray", "dtype": value.dtype.str, "shape": list(value.shape),
                "data": [_json_scalar(x) for x in value.ravel().tolist()]}
    if isinstance(value, np.generic):
        return to_json(np.asarray(value))
    if isinstance(value, dict):
        return {"t": "dict", "items": {str(k): to_json(v) for k, v in value.items()}}
    return to_wire(value, []) if not isinstance(value, (tuple, list)) else {
        "t": "tuple" if isinstance(value, tuple) else "list", "items": [to_json(v) for v in value]}


def _json_scalar(x: Any) -> Any:
    if isinstance(x, float) and not math.isfinite(x):
        return repr(x)
    return x


def from_json(data: Any) -> Any:
    """Inverse of :func:`to_json`."""
    if isinstance(data, dict) and data.get("t") == "ndarray":
        flat = [float(x) if isinstance(x, str) else x for x in data["data"]]
        return np.array(flat, dtype=np.dtype(data["dtype"])).reshape(data["shape"])
    if isinstance(data, dict) and data.get("t") in ("tuple", "list"):
        items = [from_json(v) for v in data["items"]]
        return tuple(items) if data["t"] == "tuple" else items
    if isinstance(data, dict) and data.get("t") == "dict":
        return {str(k): from_json(v) for k, v in data["items"].items()}
    return from_wire(data, [])
