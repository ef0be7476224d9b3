"""Wrong: predict_class returns the probabilities instead of 0/1 labels."""
import numpy as np


def decision_boundary(b0, b1, b2):
    if b2 == 0:
        raise ValueError("b2 = 0: the boundary is vertical")
    return -b0 / b2, -b1 / b2


def predict_class(X, b0, b1, b2):
    return 1 / (1 + np.exp(-(b0 + b1 * X[:, 0] + b2 * X[:, 1])))
