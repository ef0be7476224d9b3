"""Correct: returns a list [intercept, slope], `if not b2` guard, np.where for the labels."""
import numpy as np


def decision_boundary(b0, b1, b2):
    if not b2:
        raise ValueError("vertical boundary: b2 must not be 0")
    intercept = -b0 / b2
    slope = -b1 / b2
    return [intercept, slope]


def predict_class(X, b0, b1, b2):
    X = np.asarray(X, dtype=float)
    return np.where(b0 + X @ np.array([b1, b2]) >= 0, 1, 0)
