"""Split containers and the deterministic, stratified splitting rule.

Splits use NumPy's legacy ``RandomState``, whose stream is frozen by NumPy's
compatibility policy, so every machine and NumPy version gets the same rows.
The held-out test rows are drawn first, then validation, then train, so the
test set never depends on how large the other splits are.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

SPLIT_NAMES = ("train", "validation", "test")


@dataclass(frozen=True, eq=False)
class Split:
    """One split. Unpacks like Keras data: ``x, y = data.train``.

    ``index`` holds each example's row number in the source file, which makes
    disjointness of splits checkable.  ``eq=False``: comparing arrays with
    ``==`` is ambiguous, compare fields with ``np.array_equal`` instead.
    """

    x: np.ndarray
    y: np.ndarray
    index: np.ndarray

    def __iter__(self) -> Iterator[np.ndarray]:
        return iter((self.x, self.y))

    def __len__(self) -> int:
        return int(self.y.shape[0])


@dataclass(frozen=True, eq=False)
class Splits:
    """Train / validation / held-out test. Unpacks as ``(train, validation, test)``."""

    train: Split
    validation: Split
    test: Split

    def __iter__(self) -> Iterator[Split]:
        return iter((self.train, self.validation, self.test))


def stratified_indices(labels: np.ndarray, sizes: dict[str, int], seed: int) -> dict[str, np.ndarray]:
    """Pick disjoint, class-balanced, shuffled row indices for each split.

    Each split gets ``size // n_classes`` rows of every class, so sizes must
    be multiples of the number of classes.  Keys of ``sizes`` are drawn in the
    order test, validation, train (whatever order they are given in).
    """
    classes = np.unique(labels)
    order = [name for name in ("test", "validation", "train") if name in sizes]
    for name in order:
        if sizes[name] % len(classes):
            raise ValueError(f"size of {name!r} ({sizes[name]}) is not a multiple of {len(classes)} classes")
    rng = np.random.RandomState(seed)
    pools = [rng.permutation(np.flatnonzero(labels == c)) for c in classes]
    picked: dict[str, list[np.ndarray]] = {name: [] for name in order}
    for pool in pools:
        start = 0
        for name in order:
            per_class = sizes[name] // len(classes)
            if start + per_class > len(pool):
                raise ValueError(f"not enough rows of a class for split sizes {sizes}")
            picked[name].append(pool[start : start + per_class])
            start += per_class
    return {name: rng.permutation(np.concatenate(picked[name])) for name in order}
