"""Wrong: p_fake with w1 and w2 swapped."""
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def predict_no_hidden(X, W, b):
    return sigmoid(X @ W + b)


p_fake = sigmoid(0.1 * 1 + 0.3 * 2.2 + 1.0)
