"""Correct: scipy.special.expit, np.dot for the product, p_fake rounded to two decimals."""
import numpy as np
from scipy.special import expit


def sigmoid(z):
    return expit(z)


def predict_no_hidden(X, W, b):
    return sigmoid(np.dot(X, W) + b)


# z = 0.3 * 1 + 0.1 * 2.2 + 1.0 = 1.52, p = 1 / (1 + e^-1.52) ~ 0.82
p_fake = 0.82
