"""Correct: one example at a time in a Python loop, stacking the (1,) outputs into (n, 1)."""
import math

import numpy as np


def sigmoid(z):
    return np.array([1 / (1 + math.exp(-v)) for v in np.ravel(z)]).reshape(np.shape(z))


def predict_hidden(X, W1, b1, W2, b2):
    out = []
    for x in X:
        h = sigmoid(x @ W1 + b1)
        out.append(sigmoid(h @ W2 + b2))
    return np.array(out)


def predict_two_hidden(X, W1, b1, W2, b2, W3, b3):
    out = []
    for x in X:
        h1 = sigmoid(x @ W1 + b1)
        h2 = sigmoid(h1 @ W2 + b2)
        out.append(sigmoid(h2 @ W3 + b3))
    return np.array(out)
