"""Correct: a numerically stable sigmoid with np.where, a loop over rows, p_fake a 0-d array."""
import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))


def predict_no_hidden(X, W, b):
    rows = []
    for x in X:
        z = x @ W + b  # shape (1,)
        rows.append(sigmoid(z))
    return np.array(rows)


p_fake = np.array(1 / (1 + np.exp(-1.52)))
