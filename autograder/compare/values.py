"""Comparing an answer (plain data from the student's process) with the expected value.

Runs in the grader. Accepts every equivalent form the course allows: float32
or float64, a Python float, a NumPy scalar or a 0-d array for a number, a list
or tuple for a pair. Says what is wrong in words a student can act on.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..run.codec import Opaque
from ..spec import Tolerance


@dataclass(frozen=True)
class Verdict:
    """``ok``, or what is wrong: ``problem`` (safe to show in hidden checks), a
    ``hint`` when the kind of error suggests one (``mistake`` names it), and how far off the values are."""

    ok: bool
    problem: str = ""
    hint: str = ""
    max_error: float | None = None
    differ: tuple[int, int] = (0, 0)  # (values that differ, values compared)
    mistake: str = ""

    @property
    def about_form(self) -> bool:
        """The answer has the wrong form (type, shape, NaN), not just wrong values."""
        return not self.ok and self.max_error is None

    def distance(self, coarse: bool) -> str:
        """How far off, e.g. "largest difference 0.25; 3 of 10 values differ".

        ``coarse`` gives only the order of magnitude, so that a hidden check
        never lets a student work the reference value back out.
        """
        if self.max_error is None:
            return ""
        err = self.max_error
        if coarse and err > 0 and math.isfinite(err):
            size = f"more than {10 ** math.floor(math.log10(err)):g}"
        else:
            size = f"{err:.3g}"
        bad, total = self.differ
        if total <= 1:
            return f"off by {size}"
        return f"largest difference {size}; {bad} of {total} values differ"


def as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "iuf":
        return float(value.reshape(()))
    return None


def type_name(value: Any) -> str:
    if isinstance(value, Opaque):
        return value.type_name
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape}"
    return type(value).__name__


def show_value(value: Any) -> str:
    """A compact rendering of an answer or an expected value."""
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return repr(value.item())
        text = np.array2string(value, precision=6, separator=", ", threshold=12, edgeitems=3)
        return " ".join(text.split())
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, tuple):
        return "(" + ", ".join(show_value(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    return repr(value)


#: The generic hint for NaN or infinite answers; a check's own hint, when it has one, says more.
NONFINITE_HINT = ("Some values overflowed or were undefined (log(0), 0/0, exp of a large number). "
                  "Keep intermediate values in range.")


def _wrong_values(got: np.ndarray, expected: np.ndarray, tol: Tolerance) -> Verdict:
    both_nan = np.isnan(got) & np.isnan(expected)
    err = np.where(both_nan, 0.0, np.abs(got - expected))
    err = np.where(np.isnan(err), np.inf, err)  # a number where NaN was expected is not "off by 0"
    close = np.isclose(got, expected, rtol=tol.rtol, atol=tol.atol, equal_nan=True)
    if tol.exact:
        close = (got == expected) | both_nan
    return Verdict(False, "returned wrong values", max_error=float(err.max()),
                   differ=(int(np.count_nonzero(~close)), int(expected.size)))


def compare_arrays(got: Any, expected: np.ndarray, tol: Tolerance) -> Verdict:
    if isinstance(got, (list, tuple)):
        if any(item is None for item in _flat(got)):
            return Verdict(False, f"returned a {type(got).__name__} holding None",
                           hint="A value in your result is None: a function (or a branch) that computes it "
                                "does not `return` it.", mistake="missing_return")
        try:
            got = np.asarray(got, dtype=np.float64)
        except (ValueError, TypeError):
            return Verdict(False, f"returned a {type(got).__name__} that is not a numeric array")
    number = as_number(got)
    if number is not None and not isinstance(got, np.ndarray):
        got = np.asarray(number)
    if not isinstance(got, np.ndarray):
        return _wrong_type(got, f"a NumPy array of shape {expected.shape}")
    if got.shape != expected.shape:
        if tol.squeeze and got.size == expected.size and np.squeeze(got).shape == np.squeeze(expected).shape:
            got = got.reshape(expected.shape)
        else:
            return _shape_verdict(got, expected)
    if got.dtype.kind not in "biuf":
        return Verdict(False, f"returned an array of dtype {got.dtype}, not numbers")
    exp64 = expected.astype(np.float64)
    got64 = got.astype(np.float64)
    if not np.all(np.isfinite(got64) | ~np.isfinite(exp64)):
        n = int(np.count_nonzero(~np.isfinite(got64)))
        return Verdict(False, f"returned {n} NaN or infinite value(s)", hint=NONFINITE_HINT, mistake="overflow")
    if tol.exact:
        ok = np.array_equal(got64, exp64, equal_nan=True)
    else:
        ok = bool(np.allclose(got64, exp64, rtol=tol.rtol, atol=tol.atol, equal_nan=True))
    if ok:
        return Verdict(True)
    return _wrong_values(got64, exp64, tol)


def _shape_verdict(got: np.ndarray, expected: np.ndarray) -> Verdict:
    problem = f"returned shape {got.shape}, expected shape {expected.shape}"
    if got.ndim == 2 and got.shape[::-1] == expected.shape:
        hint, mistake = ("The result is transposed. Multiply in the order X @ W so that an (n, 2) input "
                         "and (2, k) weights give (n, k)."), "transposed_result"
    elif got.size == expected.size:
        hint, mistake = (f"The values may be right but the shape is not: keep the result {expected.ndim}-D "
                         f"with shape {expected.shape} (see `reshape` or `keepdims`)."), "reshaped_result"
    elif got.ndim == 2 and got.shape[0] == expected.shape[0] == got.shape[1] and expected.ndim in (1, 2):
        hint, mistake = "An (n, n) result usually means a bias or weight of the wrong shape was broadcast.", \
            "broadcast_shape"
    else:
        hint, mistake = "Check the shapes of the weights and the order of the matrix product.", "wrong_shape"
    return Verdict(False, problem, hint=hint, mistake=mistake)


def _wrong_type(got: Any, wanted: str) -> Verdict:
    if got is None:
        return Verdict(False, "returned None", hint="Your code computes a result but does not "
                       "`return` it (or assigns nothing to the variable).", mistake="missing_return")
    return Verdict(False, f"returned {type_name(got)}, expected {wanted}")


def compare_values(got: Any, expected: Any, tol: Tolerance) -> Verdict:
    """Compare any plain-data answer with an expected value of the same form."""
    if isinstance(expected, np.ndarray) and expected.ndim > 0:
        return compare_arrays(got, expected, tol)
    exp_number = as_number(expected)
    if exp_number is not None:
        number = as_number(got)
        if number is None:
            return _wrong_type(got, "a number")
        return compare_arrays(np.asarray(number), np.asarray(exp_number), tol)
    if isinstance(expected, (tuple, list)):
        if isinstance(got, np.ndarray) and got.ndim == 1:
            got = tuple(got)
        if not isinstance(got, (tuple, list)):
            return _wrong_type(got, f"a tuple of {len(expected)} values")
        if len(got) != len(expected):
            return Verdict(False, f"returned {len(got)} values, expected {len(expected)}")
        for i, (g, e) in enumerate(zip(got, expected, strict=False)):
            verdict = compare_values(g, e, tol)
            if not verdict.ok:
                problem = verdict.problem if verdict.about_form else "is wrong"
                return Verdict(False, f"value {i + 1} of {len(expected)} {problem}",
                               verdict.hint, verdict.max_error, verdict.differ, verdict.mistake)
        return Verdict(True)
    if expected is None or isinstance(expected, (str, bool)):
        same = type(got) is type(expected) and got == expected
        return Verdict(True) if same else Verdict(False, f"returned {show_value(got)}")
    raise TypeError(f"cannot compare with expected value of type {type(expected).__name__}")


def matches(got: Any, candidate: Any, tol: Tolerance) -> bool:
    """Whether an answer equals a candidate (a known mistake's output)."""
    try:
        return bool(compare_values(got, candidate, tol).ok)
    except (TypeError, ValueError):
        return False


def _flat(items: list | tuple) -> list[Any]:
    """The items of a nested list or tuple."""
    out: list[Any] = []
    for item in items:
        out.extend(_flat(item) if isinstance(item, (list, tuple)) else [item])
    return out
