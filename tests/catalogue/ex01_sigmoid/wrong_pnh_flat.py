"""Wrong: predict_no_hidden flattens W and returns shape (n,) instead of (n, 1)."""
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def predict_no_hidden(X, W, b):
    return sigmoid(X @ W.flatten() + b)


p_fake = sigmoid(0.3 * 1 + 0.1 * 2.2 + 1.0)
