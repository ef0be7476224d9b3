"""Wrong: predict_two_hidden leaves the second hidden layer linear."""
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def predict_hidden(X, W1, b1, W2, b2):
    hidden = sigmoid(X @ W1 + b1)
    return sigmoid(hidden @ W2 + b2)


def predict_two_hidden(X, W1, b1, W2, b2, W3, b3):
    hidden1 = sigmoid(X @ W1 + b1)
    hidden2 = hidden1 @ W2 + b2
    return sigmoid(hidden2 @ W3 + b3)
