"""One-vs-all trainings (``Training(members=k)``): k binary classifiers that vote.

The student's process answers ``predict`` with each member's outputs; here they
are checked member by member, stacked side by side into an ``(n, k)`` array of
confidences (member k's probability of "class k"), and voted: the predicted
class is the most confident member's. Everything is judged on those numbers.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..compare.models import Problem, architecture_problem, output_problem, params_problem
from ..spec import Architecture
from ..tasks import Task

#: Rows of the stacked confidences that sum to 1 within this are one softmax split in pieces.
SOFTMAX_TOLERANCE = 1e-3


def member_count_problem(summary: dict[str, Any], members: int, target: str) -> Problem | None:
    got = len(summary.get("members", []))
    if got == members:
        return None
    return Problem(f"{target} returned {got} model(s); expected {members}, one binary classifier per class",
                   f"Return a list of {members} trained models: model k answers 'class k or not' "
                   f"(for k in range({members})).", "wrong_member_count")


def _last_layer(summary: dict[str, Any]) -> dict[str, Any]:
    layers = [layer for layer in summary.get("layers", []) if layer.get("class") != "InputLayer"]
    return layers[-1] if layers else {}


def member_problem(summary: dict[str, Any], got: Any, n: int, arch: Architecture,
                   data: Task) -> Problem | None:
    """The first member whose layers, output or size break the architecture, said by its class."""
    members = summary.get("members", [])
    outputs = got if isinstance(got, (list, tuple)) else [None] * len(members)
    for k, (member, pred) in enumerate(zip(members, outputs, strict=False)):
        problem = architecture_problem(member, arch) or params_problem(member, arch)
        last = _last_layer(member)
        activation = last.get("activation")
        # One unit with another activation (a softmax over one unit answers 1 always). Several units
        # are said by their output's shape, or as a softmax sliced in pieces, once predictions are in.
        if (problem is None and arch.output_activation == "sigmoid" and activation not in (None, "sigmoid")
                and last.get("units") in (None, 1)):
            problem = Problem(f"its last layer's activation is {activation!r}, not 'sigmoid'",
                              "A yes/no classifier ends with Dense(1, activation='sigmoid'): a softmax over a "
                              "single unit always answers 1.", f"{activation}_for_sigmoid")
        if problem is None and pred is not None:
            problem = output_problem(pred, n, arch, f"Each classifier ends with Dense(1, activation='sigmoid'): "
                                                     f"the probability that the {data.noun} is of its class.")
        if problem:
            return Problem(f"classifier {k} ('{data.noun} {k} or not'): {problem.message}", problem.hint,
                           problem.mistake)
    return None


def stacked(got: Any, n: int, members: int) -> tuple[np.ndarray, Problem | None]:
    """The members' confidences as an (n, members) array, or why they cannot be stacked."""
    if not isinstance(got, (list, tuple)) or len(got) != members:
        count = len(got) if isinstance(got, (list, tuple)) else 0
        return np.zeros((0, members)), Problem(f"{count} classifier output(s) for {members} classes",
                                                f"Return a list of {members} models, one per class.",
                                                "wrong_member_count")
    columns = []
    for k, pred in enumerate(got):
        p = np.asarray(pred) if isinstance(pred, np.ndarray) else None
        if p is not None and p.ndim == 2 and p.shape[1] == 1:
            p = p[:, 0]
        if p is None or p.shape != (n,) or p.dtype.kind not in "fiu" or not np.all(np.isfinite(p)):
            return np.zeros((0, members)), Problem(f"classifier {k} does not give one probability per input",
                                                   "Each classifier ends with Dense(1, activation='sigmoid').",
                                                   "wrong_output_units")
        columns.append(p.astype(np.float64))
    return np.column_stack(columns), None


def disguised_softmax(confidences: np.ndarray, target: str) -> Problem | None:
    """Members whose outputs sum to one for every input are one multi-class softmax, sliced."""
    if len(confidences) and np.allclose(confidences.sum(axis=1), 1.0, atol=SOFTMAX_TOLERANCE):
        k = confidences.shape[1]
        return Problem(
            f"the {k} classifiers' outputs sum to 1 for every input: they are one softmax network "
            f"split into {k} pieces, not {k} binary classifiers",
            f"One-vs-all trains {k} separate networks, each with its own Dense(1, activation='sigmoid') "
            f"output, fitted on the labels (y == k) with loss='binary_crossentropy'; then the most confident "
            f"one votes. A softmax over {k} classes is the other approach (ex05_mlp).", "softmax_split_in_pieces")
    return None


def member_loss_hints(data: Task) -> dict[str, str]:
    """Losses that do not fit a member's yes/no labels (y == k), and what to say."""
    categorical = (f"Each classifier answers one yes/no question ('{data.noun} k or not'): fit it with "
                   f"loss='binary_crossentropy' on the labels (y_train == k), not a categorical loss.")
    mse = "Fit each classifier with loss='binary_crossentropy' on the labels (y_train == k)."
    return {"sparse_categorical_crossentropy": categorical, "categorical_crossentropy": categorical,
            "mse": mse, "mean_squared_error": mse}


def members_chance_hint(data: Task, target: str) -> str:
    """Why a vote lands at chance: the members were not taught their own class."""
    return (f"The vote is at chance: the classifiers do not tell their class from the others. In {target}, "
            f"fit classifier k on the yes/no labels (y_train == k).astype('float32'), not on y_train, and check "
            f"that each one is trained (model.fit) before it is returned.")


def member_accuracies(confidences: np.ndarray, labels: np.ndarray) -> list[float]:
    """Each member's accuracy at telling its class from all the others."""
    return [float(np.mean((confidences[:, k] > 0.5) == (labels == k))) for k in range(confidences.shape[1])]
