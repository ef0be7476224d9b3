"""Data tasks: what a trained-model check trains on, declared by the course.

A course lists its tasks in ``exercises/tasks.py`` (``TASKS = [Task(...), ...]``,
released with the exercises: a student's self-check needs the validation split)
and a ``Training`` names one. The library knows no data set: the hints about
losses, outputs and labels are worded from a task's declaration (its class
count, label kind and what one example is), so a course with three classes of
flowers gets flower advice, not digit advice.

Only the grader loads the held-out test split. The student's process gets the
splits a task ``receives`` (training and validation) over the wire and, later,
the held-out inputs without their labels; it never opens the data files itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

import numpy as np

from .spec import Mistake

SPLITS = ("train", "validation", "test")
#: Splits by name: ``{"train": (x, y), "validation": (x, y), "test": (x, y)}``.
SplitArrays = Mapping[str, tuple[np.ndarray, np.ndarray]]

#: Pixels in [0, 1]: a student may divide them by 255 again (as the slides do with raw pixels).
PIXEL_RESCALINGS = (("divided by 255", 1 / 255), ("times 255", 255.0))


@dataclass(frozen=True, kw_only=True)
class Task:
    """A named data set in the shape a training function receives it.

    ``labels``: ``"integer"`` (class indices ``0 .. classes-1``, a softmax with one
    output per class) or ``"binary"`` (0/1, one sigmoid output). ``noun`` is what
    one example is ("digit", "review") and ``positive`` what label 1 means for a
    binary task ("a positive review"): hints use them. ``rescalings`` are the
    scalings of the inputs tried on a weak model to see whether it was trained on
    rescaled inputs (:mod:`autograder.compare.diagnose`). ``receives`` are the
    splits the student's training function gets, in that order, as ``x, y`` pairs.
    ``class_names`` say what each label stands for ("5" for label 0 of the digits 5-9),
    for pictures; without them a label is its number.
    """

    name: str
    load: Callable[[], SplitArrays]
    classes: int
    describe: str  # how the inputs read in messages: "digits as (n, 784) float32 in [0, 1]"
    labels: Literal["integer", "binary"] = "integer"
    noun: str = "example"
    positive: str = "a positive example"
    rescalings: tuple[tuple[str, float], ...] = ()
    receives: tuple[str, ...] = ("train", "validation")
    class_names: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.labels == "binary" and self.classes != 2:
            raise ValueError(f"task {self.name!r}: binary labels mean classes=2, not {self.classes}")
        if self.class_names and len(self.class_names) != self.classes:
            raise ValueError(f"task {self.name!r}: {len(self.class_names)} class_names for {self.classes} classes")
        if self.labels not in ("integer", "binary"):
            raise ValueError(f"task {self.name!r}: labels must be 'integer' or 'binary', not {self.labels!r}")
        unknown = [s for s in self.receives if s not in SPLITS or s == "test"]
        if unknown:
            raise ValueError(f"task {self.name!r}: a training function may receive 'train' and "
                             f"'validation', never {unknown}")

    @property
    def class_labels(self) -> tuple[str, ...]:
        """What each label stands for, in label order."""
        return self.class_names or tuple(str(k) for k in range(self.classes))

    @property
    def chance(self) -> float:
        return 1.0 / self.classes

    @property
    def outputs(self) -> int:
        """Units of the output layer: one per class, or one sigmoid for binary labels."""
        return 1 if self.labels == "binary" else self.classes

    @property
    def loss(self) -> str:
        """The loss that fits the labels as they are given."""
        return "binary_crossentropy" if self.labels == "binary" else "sparse_categorical_crossentropy"

    def split(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        if name not in SPLITS:
            raise ValueError(f"unknown split {name!r}: use one of {SPLITS}")
        return _loaded(self)[name]

    def training_args(self, relabel: Sequence[int] | None = None) -> list[np.ndarray]:
        """``x_train, y_train, x_val, y_val`` (the splits ``receives``), with the classes
        relabelled when ``relabel`` (class -> new class) is given."""
        args: list[np.ndarray] = []
        new = None if relabel is None else np.asarray(relabel)
        for name in self.receives:
            x, y = self.split(name)
            args += [x, y if new is None else new[y]]
        return args

    def shows_call(self, target: str) -> str:
        names = {"train": "x_train, y_train", "validation": "x_val, y_val"}
        return f"{target}({', '.join(names[s] for s in self.receives)}) with {self.describe}"

    # -- hints worded from the declaration ---------------------------------------------------

    def loss_hints(self) -> dict[str, str]:
        """Losses that do not fit the labels, and what to say instead."""
        if self.labels == "binary":
            categorical = (f"A single sigmoid output goes with loss='{self.loss}', not a categorical loss.")
            mse = f"Use loss='{self.loss}' for a yes/no label with a sigmoid output."
            return {"mse": mse, "mean_squared_error": mse, "sparse_categorical_crossentropy": categorical,
                    "categorical_crossentropy": categorical}
        mse = (f"Mean squared error on class labels treats {self.noun} 7 as 'closer' to 8 than to 1: use "
               f"loss='{self.loss}'." if self.classes > 8 else
               f"Mean squared error treats the {self.classes} class labels as numbers on a line: use "
               f"loss='{self.loss}'.")
        return {"binary_crossentropy": f"binary_crossentropy is for two classes: {self.classes} classes with "
                                       f"integer labels need loss='{self.loss}'.",
                "mse": mse, "mean_squared_error": mse}

    def output_hint(self) -> str:
        """What the last layer must be."""
        if self.labels == "binary":
            return f"The last layer needs 1 unit: Dense(1, activation='sigmoid'), the probability of {self.positive}."
        return (f"The last layer needs {self.classes} units: Dense({self.classes}, activation='softmax'), "
                f"one probability per {self.noun} class.")

    def label_mistakes(self) -> tuple[Mistake, ...]:
        """Errors Keras raises when the labels and the loss or output do not match."""
        if self.labels == "binary":
            return ()
        top = self.classes - 1
        return (
            Mistake(f"The labels are integers (0-{top}), but loss='categorical_crossentropy' wants "
                    f"one-hot rows: use loss='{self.loss}' (or one-hot encode with "
                    f"keras.utils.to_categorical).", raised="ValueError", message="must have the same rank",
                    name="categorical_loss_for_integer_labels"),
            Mistake(f"The labels and the output do not match: integer labels need loss='{self.loss}' with a "
                    f"{self.classes}-unit softmax output.", raised="ValueError", message="shapes",
                    name="labels_do_not_fit_output"),
            # TensorFlow on CPU, in one of two wordings, depending on the op that meets the label first
            # (on a GPU the same labels give a NaN loss instead of an error).
            *(Mistake(f"Keras met a label outside 0-{top}, the range of the {self.classes}-unit output: fit on "
                      f"the labels as they are given (0-{top}), with Dense({self.classes}, activation='softmax') "
                      "as the last layer.", raised="InvalidArgumentError", message=wording.format(self.classes),
                      name="label_out_of_range")
              for wording in OUT_OF_RANGE_WORDINGS),
            Mistake(f"`np_utils` is Keras 1: use keras.utils.to_categorical(y, {self.classes}), or keep the "
                    f"integer labels with loss='{self.loss}'.", raised="ImportError", message="np_utils",
                    name="keras1_np_utils"),
        )


#: How TensorFlow says that an integer label lies outside the output's range (two ops, two wordings:
#: "Received a label value of 9 which is outside the valid range of [0, 5)", "indices[0] = 8 is not in [0, 5)").
#: ({} is the class count: an embedding's "indices ... is not in [0, 5000)" is another mistake.)
OUT_OF_RANGE_WORDINGS = ("outside the valid range of [0, {})", "is not in [0, {})")


@cache
def _loaded(task: Task) -> SplitArrays:
    data = dict(task.load())
    missing = [s for s in SPLITS if s not in data]
    if missing:
        raise ValueError(f"task {task.name!r}: its loader gave no {missing} split")
    return data


# -- generic loaders: a course's declarations are built from these ----------------------------

def from_splits(load: Callable[[], Any], *, shape: tuple[int, ...] | None = None,
                x_dtype: Any = np.float32, y_dtype: Any = np.int64) -> Callable[[], SplitArrays]:
    """A task loader from a function returning ``(train, validation, test)`` ``(x, y)`` pairs
    (as :mod:`deepgrade_datasets` loaders do), each ``x`` reshaped to ``(n, *shape)``."""
    def loader() -> SplitArrays:
        out = {}
        for name, (x, y) in zip(SPLITS, load(), strict=True):
            x = np.asarray(x)
            if shape is not None:
                x = x.reshape((-1, *shape))
            out[name] = (np.ascontiguousarray(x, dtype=x_dtype), np.asarray(y).astype(y_dtype))
        return out
    return loader


def only_classes(load: Callable[[], SplitArrays], classes: Sequence[int], *,
                 limit: Mapping[str, int] | None = None) -> Callable[[], SplitArrays]:
    """A loader keeping the examples of ``classes``, relabelled ``0 .. len(classes)-1`` in that
    order, and the first ``limit[split]`` of a split (its order is already shuffled)."""
    keep = np.asarray(classes)

    def loader() -> SplitArrays:
        out = {}
        for name, (x, y) in load().items():
            rows = np.flatnonzero(np.isin(y, keep))
            if limit and name in limit:
                rows = rows[: limit[name]]
            new = np.searchsorted(np.sort(keep), y[rows])
            order = np.argsort(keep)
            out[name] = (x[rows], order[new].astype(y.dtype))
        return out
    return loader
