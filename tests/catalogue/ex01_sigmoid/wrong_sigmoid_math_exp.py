"""Wrong: math.exp, which accepts single numbers only, not arrays."""
import math

import numpy as np


def sigmoid(z):
    return 1 / (1 + math.exp(-z))


def predict_no_hidden(X, W, b):
    return 1 / (1 + np.exp(-(X @ W + b)))


p_fake = 1 / (1 + math.exp(-(0.3 * 1 + 0.1 * 2.2 + 1.0)))
