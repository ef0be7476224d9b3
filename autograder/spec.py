"""How an instructor declares an exercise's checks (in ``solutions/<exercise>/checks.py``).

A check names the student's function or variable it is about (``target``), the
points it is worth, the cases it calls, how close an answer must be, and the
common mistakes it can recognise. Expected values are never written by hand:
they come from running the reference solution on the same cases.

Example::

    CHECKS = [
        Check("sigmoid_values", target="sigmoid", points=2,
              cases=[Case(np.array([-2.0, 0.0, 2.0]))],
              mistakes=[Mistake("Use the logistic function 1 / (1 + exp(-z)), not tanh.",
                                variant=np.tanh)]),
    ]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

import numpy as np


@dataclass(frozen=True)
class Case:
    """One call of the student's function (or one read of a variable)."""

    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    shows: str = ""  # how the call reads in messages; described from the arguments if empty
    raises: str = ""  # the exception type a correct answer raises, e.g. "ValueError"

    def __init__(self, *args: Any, shows: str = "", raises: str = "", **kwargs: Any):
        object.__setattr__(self, "args", args)
        object.__setattr__(self, "kwargs", kwargs)
        object.__setattr__(self, "shows", shows)
        object.__setattr__(self, "raises", raises)


@dataclass(frozen=True)
class Mistake:
    """A common mistake and the hint that helps a student who made it.

    It is recognised when the answer equals what ``variant`` (a wrong
    implementation with the target's signature) returns on the same case, or
    when the student's code raised an exception named ``raised`` whose message
    contains ``message``.
    """

    hint: str
    variant: Callable[..., Any] | None = None
    raised: str = ""
    message: str = ""


@dataclass(frozen=True)
class Tolerance:
    """How close an answer must be: ``|got - expected| <= atol + rtol * |expected|``.

    The defaults accept float32 arithmetic and every usual way of writing the
    same formula; ``exact`` is for labels and counts.
    """

    rtol: float = 1e-4
    atol: float = 1e-6
    exact: bool = False
    squeeze: bool = False  # accept (n, 1) for (n,) and the reverse

    def as_dict(self) -> dict[str, Any]:
        return {"rtol": self.rtol, "atol": self.atol, "exact": self.exact, "squeeze": self.squeeze}


@dataclass(frozen=True)
class Check:
    """A graded claim about one of the student's names, worth ``points``."""

    name: str
    target: str
    points: float
    cases: Sequence[Case] | Callable[[], Iterable[Case]] = ()
    about: str = ""  # one line: what the check verifies, shown to the student
    kind: str = "call"  # "call" a function, or "value" read a variable
    hidden: bool = False
    tolerance: Tolerance = Tolerance()
    mistakes: Sequence[Mistake] = ()
    hint: str = ""  # shown when the answer is wrong and no known mistake matches
    timeout: float = 10.0
    bounds: tuple[float, float] | None = None  # check only "a number in [lo, hi]", not the value

    def make_cases(self) -> list[Case]:
        cases = self.cases() if callable(self.cases) else self.cases
        out = list(cases)
        if self.kind == "value" and not out:
            out = [Case()]
        return out


def describe_arg(value: Any) -> str:
    """A short, readable description of an argument, for messages."""
    if isinstance(value, np.ndarray):
        if value.size <= 8:
            body = " ".join(np.array2string(value, precision=4, separator=", ", threshold=8).split())
            dtype = "" if value.dtype in (np.float64, np.int64) else f", dtype={value.dtype}"
            return f"np.array({body}{dtype})"
        lo, hi = (value.min(), value.max()) if value.size else (0, 0)
        return f"<{value.dtype} array of shape {value.shape}, values in [{lo:.3g}, {hi:.3g}]>"
    if isinstance(value, float):
        return repr(round(value, 8))
    return repr(value)


def describe_call(target: str, case: Case, kind: str = "call") -> str:
    """``sigmoid(np.array([-1., 0.]))``: the call a message is about."""
    if case.shows:
        return case.shows
    if kind == "value":
        return target
    parts = [describe_arg(a) for a in case.args]
    parts += [f"{k}={describe_arg(v)}" for k, v in case.kwargs.items()]
    return f"{target}({', '.join(parts)})"
