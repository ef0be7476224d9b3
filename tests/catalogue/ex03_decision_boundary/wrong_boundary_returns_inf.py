"""Wrong: decision_boundary divides with np.divide and returns inf / nan for b2 = 0 instead of raising ValueError."""
import numpy as np


def decision_boundary(b0, b1, b2):
    return np.divide(-b0, b2), np.divide(-b1, b2)


def predict_class(X, b0, b1, b2):
    log_odds = b0 + b1 * X[:, 0] + b2 * X[:, 1]
    return (log_odds >= 0).astype(int)
