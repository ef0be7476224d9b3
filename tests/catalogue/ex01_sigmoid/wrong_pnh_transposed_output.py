"""Wrong: predict_no_hidden computes W.T @ X.T, a (1, n) row instead of an (n, 1) column."""
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def predict_no_hidden(X, W, b):
    return sigmoid(W.T @ X.T + b)


p_fake = sigmoid(0.3 * 1 + 0.1 * 2.2 + 1.0)
