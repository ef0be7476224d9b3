"""Correct: scipy.special.expit and np.dot / .dot, written as one nested expression."""
import numpy as np
from scipy.special import expit


def predict_hidden(X, W1, b1, W2, b2):
    return expit(expit(np.dot(X, W1) + b1).dot(W2) + b2)


def predict_two_hidden(X, W1, b1, W2, b2, W3, b3):
    return expit(expit(expit(X.dot(W1) + b1).dot(W2) + b2).dot(W3) + b3)
