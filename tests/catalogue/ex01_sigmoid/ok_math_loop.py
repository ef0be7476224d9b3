"""Correct: math.exp in a loop over the elements, guarded so that it never overflows; list comprehension over rows."""
import math

import numpy as np


def _sigmoid_scalar(v):
    if v >= 0:
        return 1.0 / (1.0 + math.exp(-v))
    e = math.exp(v)
    return e / (1.0 + e)


def sigmoid(z):
    arr = np.asarray(z, dtype=float)
    out = np.empty_like(arr)
    for index, v in np.ndenumerate(arr):
        out[index] = _sigmoid_scalar(float(v))
    return out


def predict_no_hidden(X, W, b):
    return np.array([[_sigmoid_scalar(float(np.dot(x, W[:, 0]) + b[0]))] for x in X])


p_fake = _sigmoid_scalar(0.3 * 1 + 0.1 * 2.2 + 1.0)
