"""Correct: float32 arithmetic throughout, as Keras computes; p_fake a Python float."""
import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=np.float32)
    return 1 / (1 + np.exp(-z))


def predict_no_hidden(X, W, b):
    X, W, b = (np.asarray(a, dtype=np.float32) for a in (X, W, b))
    return sigmoid(np.matmul(X, W) + b)


p_fake = float(sigmoid(0.3 * 1 + 0.1 * 2.2 + 1.0))
