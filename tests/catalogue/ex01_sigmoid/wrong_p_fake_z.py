"""Wrong: p_fake is z = w1*x1 + w2*x2 + b, the sigmoid not applied."""
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def predict_no_hidden(X, W, b):
    return sigmoid(X @ W + b)


p_fake = 0.3 * 1 + 0.1 * 2.2 + 1.0
