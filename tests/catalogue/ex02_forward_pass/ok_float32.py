"""Correct: everything cast to float32 first, as Keras computes."""
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def predict_hidden(X, W1, b1, W2, b2):
    X, W1, b1, W2, b2 = (np.asarray(a, dtype=np.float32) for a in (X, W1, b1, W2, b2))
    return sigmoid(sigmoid(X @ W1 + b1) @ W2 + b2)


def predict_two_hidden(X, W1, b1, W2, b2, W3, b3):
    X, W1, b1, W2, b2, W3, b3 = (np.asarray(a, dtype=np.float32) for a in (X, W1, b1, W2, b2, W3, b3))
    h1 = sigmoid(X @ W1 + b1)
    h2 = sigmoid(h1 @ W2 + b2)
    return sigmoid(h2 @ W3 + b3)
