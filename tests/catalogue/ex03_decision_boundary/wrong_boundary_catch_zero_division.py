"""Wrong: decision_boundary turns ZeroDivisionError into ValueError, which misses NumPy floats (float32 0 divides to inf)."""
import numpy as np


def decision_boundary(b0, b1, b2):
    try:
        return -b0 / b2, -b1 / b2
    except ZeroDivisionError:
        raise ValueError("b2 = 0: the boundary is vertical") from None


def predict_class(X, b0, b1, b2):
    log_odds = b0 + b1 * X[:, 0] + b2 * X[:, 1]
    return (log_odds >= 0).astype(int)
