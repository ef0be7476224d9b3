"""Wrong: p_fake with the sign in the exponent flipped."""
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def predict_no_hidden(X, W, b):
    return sigmoid(X @ W + b)


p_fake = 1 / (1 + np.exp(0.3 * 1 + 0.1 * 2.2 + 1.0))
