"""Correct: np.einsum for the products and biases reshaped to rows with keepdims-style broadcasting."""
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def dense(a, W, b):
    return sigmoid(np.einsum("ni,ij->nj", a, W) + np.reshape(b, (1, -1)))


def predict_hidden(X, W1, b1, W2, b2):
    return dense(dense(X, W1, b1), W2, b2)


def predict_two_hidden(X, W1, b1, W2, b2, W3, b3):
    return dense(dense(dense(X, W1, b1), W2, b2), W3, b3)
