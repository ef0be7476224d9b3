"""Correct: returns np.array([intercept, slope]) via np.float64, thresholds the sigmoid probability at 0.5."""
import numpy as np


def decision_boundary(b0, b1, b2):
    b0, b1, b2 = np.float64(b0), np.float64(b1), np.float64(b2)
    if b2 == 0.0:
        raise ValueError("the decision boundary is vertical when b2 == 0")
    return np.array([-b0 / b2, -b1 / b2])


def predict_class(X, b0, b1, b2):
    X = np.asarray(X, dtype=float)
    p = 1 / (1 + np.exp(-(b0 + b1 * X[:, 0] + b2 * X[:, 1])))
    return (p >= 0.5).astype(int)
