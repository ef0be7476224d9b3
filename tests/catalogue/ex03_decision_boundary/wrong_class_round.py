"""Wrong: predict_class rounds the probability, and np.round(0.5) is 0 (points on the boundary get label 0)."""
import numpy as np


def decision_boundary(b0, b1, b2):
    if b2 == 0:
        raise ValueError("b2 = 0: the boundary is vertical")
    return -b0 / b2, -b1 / b2


def predict_class(X, b0, b1, b2):
    p = 1 / (1 + np.exp(-(b0 + b1 * X[:, 0] + b2 * X[:, 1])))
    return np.round(p)
