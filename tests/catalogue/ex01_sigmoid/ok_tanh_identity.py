"""Correct: the identity sigmoid(z) = (1 + tanh(z / 2)) / 2, @ for the product, p_fake an np.float64."""
import numpy as np


def sigmoid(z):
    return 0.5 * (1 + np.tanh(z / 2))


def predict_no_hidden(X, W, b):
    return sigmoid(X @ W + b)


z = 0.3 * 1 + 0.1 * 2.2 + 1.0
p_fake = sigmoid(np.float64(z))
