"""Correct: the reference layout with np.matmul and a helper sigmoid."""
import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def predict_hidden(X, W1, b1, W2, b2):
    hidden = sigmoid(np.matmul(X, W1) + b1)
    return sigmoid(np.matmul(hidden, W2) + b2)


def predict_two_hidden(X, W1, b1, W2, b2, W3, b3):
    hidden1 = sigmoid(np.matmul(X, W1) + b1)
    hidden2 = sigmoid(np.matmul(hidden1, W2) + b2)
    return sigmoid(np.matmul(hidden2, W3) + b3)
