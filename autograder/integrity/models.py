"""Trained models that make the same mistakes: the shared-error statistic.

Two networks trained independently on the same data agree on most inputs,
right or wrong on the easy and the hard ones alike, but each also makes
mistakes of its own. Two copies of one training make the *same* mistakes. The
statistic is the share of the pair's mistakes (inputs either gets wrong) that
both make with the same wrong answer; its distribution between independent
trainings is measured once (``benchmarks/integrity_trainings.py``), so a pair
is judged against what chance gives, never against a guess.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..score import ModelTrace


@dataclass(frozen=True)
class SharedErrors:
    """What two prediction vectors share on the held-out inputs."""

    #: Inputs both get wrong with the same answer.
    same: int
    #: Inputs at least one of them gets wrong.
    union: int
    #: Inputs each gets wrong.
    errors_a: int
    errors_b: int

    @property
    def share(self) -> float:
        """``same / union``: 1.0 for identical predictions, near the measured baseline for
        independent trainings; 0.0 when neither makes a mistake (no evidence either way)."""
        return self.same / self.union if self.union else 0.0


def shared_errors(a: np.ndarray, b: np.ndarray, labels: np.ndarray) -> SharedErrors:
    """The shared-error counts of two label vectors against the true labels."""
    a, b, labels = np.asarray(a), np.asarray(b), np.asarray(labels)
    if not (a.shape == b.shape == labels.shape):
        raise ValueError(f"predictions of shapes {a.shape} and {b.shape} for {labels.shape} labels")
    wrong_a, wrong_b = a != labels, b != labels
    return SharedErrors(same=int(np.sum(wrong_a & wrong_b & (a == b))), union=int(np.sum(wrong_a | wrong_b)),
                        errors_a=int(wrong_a.sum()), errors_b=int(wrong_b.sum()))


def both_wrong(a: np.ndarray, b: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Indices of the inputs both get wrong with the same answer (the evidence a page shows)."""
    a, b, labels = np.asarray(a), np.asarray(b), np.asarray(labels)
    return np.flatnonzero((a != labels) & (b != labels) & (a == b))


def pack_labels(labels: np.ndarray) -> str:
    """Class indices (under 256 classes) as base64 of uint8, as results.json keeps them."""
    return ModelTrace.of(labels).predicted


def unpack_labels(text: str) -> np.ndarray:
    return np.asarray(ModelTrace(text).labels())
