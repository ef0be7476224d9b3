"""Wrong: predict_two_hidden returns hidden2 @ W3 + b3 without the output sigmoid."""
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def predict_hidden(X, W1, b1, W2, b2):
    hidden = sigmoid(X @ W1 + b1)
    return sigmoid(hidden @ W2 + b2)


def predict_two_hidden(X, W1, b1, W2, b2, W3, b3):
    hidden1 = sigmoid(X @ W1 + b1)
    hidden2 = sigmoid(hidden1 @ W2 + b2)
    return hidden2 @ W3 + b3
