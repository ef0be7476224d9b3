"""Wrong: the 1 + is missing from the denominator, 1 / exp(-z)."""
import numpy as np


def sigmoid(z):
    return 1 / np.exp(-z)


def predict_no_hidden(X, W, b):
    return 1 / (1 + np.exp(-(X @ W + b)))


p_fake = 1 / (1 + np.exp(-(0.3 * 1 + 0.1 * 2.2 + 1.0)))
