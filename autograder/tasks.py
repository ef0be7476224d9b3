"""The data a trained-model check uses, by name, on the grader's side.

Only the grader loads the held-out test split. The student's process gets the
training and validation arrays over the wire and, later, the held-out inputs
without their labels; it never opens the data files itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np

from deepgrade_datasets.splits import SPLIT_NAMES as SPLITS


@dataclass(frozen=True)
class Task:
    """A named data set in the shape a training function receives it."""

    name: str
    classes: int
    describe: str  # how the inputs read in messages
    loss: str  # the loss that fits the labels, for hints
    _load: Callable[[], dict[str, tuple[np.ndarray, np.ndarray]]]
    #: Rescalings of the inputs tried on a weak model ("divided by 255", 1/255): a model that does
    #: far better on them was trained on rescaled inputs (compare.diagnose).
    rescalings: tuple[tuple[str, float], ...] = ()

    @property
    def chance(self) -> float:
        return 1.0 / self.classes

    def split(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        if name not in SPLITS:
            raise ValueError(f"unknown split {name!r}: use one of {SPLITS}")
        return _loaded(self.name)[name]

    def training_args(self) -> list[np.ndarray]:
        """``x_train, y_train, x_val, y_val``: everything the student's function gets."""
        (x_train, y_train), (x_val, y_val) = self.split("train"), self.split("validation")
        return [x_train, y_train, x_val, y_val]


def _mnist(shape: tuple[int, ...]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    from deepgrade_datasets import load_mnist

    data = load_mnist()
    return {name: (np.ascontiguousarray(split.x.reshape((-1, *shape)), dtype=np.float32),
                   split.y.astype(np.int64))
            for name, split in zip(SPLITS, data, strict=False)}


def _reviews() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    from deepgrade_datasets import load_movie_reviews

    data = load_movie_reviews()
    return {name: (split.x.astype(np.int32), split.y.astype(np.int64))
            for name, split in zip(SPLITS, data, strict=False)}


#: Pixels in [0, 1]: a student may divide them by 255 again (as the slides do with raw pixels).
PIXEL_RESCALINGS = (("divided by 255", 1 / 255), ("times 255", 255.0))

TASKS: dict[str, Task] = {
    "mnist_flat": Task("mnist_flat", 10, "digits flattened to (n, 784) float32 in [0, 1]",
                       "sparse_categorical_crossentropy", lambda: _mnist((784,)), PIXEL_RESCALINGS),
    "mnist_images": Task("mnist_images", 10, "digits as (n, 28, 28, 1) float32 images in [0, 1]",
                         "sparse_categorical_crossentropy", lambda: _mnist((28, 28, 1)), PIXEL_RESCALINGS),
    "movie_reviews": Task("movie_reviews", 2, "reviews as (n, 150) int32 word indices, labels 0/1",
                          "binary_crossentropy", _reviews),
}


@cache
def _loaded(name: str) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    return TASKS[name]._load()


def task(name: str) -> Task:
    if name not in TASKS:
        raise KeyError(f"unknown task {name!r} (known: {', '.join(TASKS)})")
    return TASKS[name]
