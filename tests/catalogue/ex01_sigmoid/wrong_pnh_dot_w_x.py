"""Wrong: predict_no_hidden multiplies np.dot(W, X) (shapes not aligned)."""
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def predict_no_hidden(X, W, b):
    return sigmoid(np.dot(W, X) + b)


p_fake = sigmoid(0.3 * 1 + 0.1 * 2.2 + 1.0)
