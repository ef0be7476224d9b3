"""Correct: a generic forward pass looping over (W, b) pairs, with the tanh form of the sigmoid."""
import numpy as np


def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def forward(X, layers):
    a = X
    for W, b in layers:
        a = sigmoid(a @ W + b)
    return a


def predict_hidden(X, W1, b1, W2, b2):
    return forward(X, [(W1, b1), (W2, b2)])


def predict_two_hidden(X, W1, b1, W2, b2, W3, b3):
    return forward(X, [(W1, b1), (W2, b2), (W3, b3)])
