"""Wrong: p_fake is the text "0.82", not a number."""
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def predict_no_hidden(X, W, b):
    return sigmoid(X @ W + b)


p_fake = "0.82"
