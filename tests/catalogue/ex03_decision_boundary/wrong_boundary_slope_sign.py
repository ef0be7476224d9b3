"""Wrong: decision_boundary has the slope with the wrong sign, b1 / b2."""
import numpy as np


def decision_boundary(b0, b1, b2):
    if b2 == 0:
        raise ValueError("b2 = 0: the boundary is vertical")
    return -b0 / b2, b1 / b2


def predict_class(X, b0, b1, b2):
    log_odds = b0 + b1 * X[:, 0] + b2 * X[:, 1]
    return (log_odds >= 0).astype(int)
