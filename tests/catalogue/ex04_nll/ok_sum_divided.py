"""Correct: the log-likelihood summed and divided by n; a list comprehension picks P[i, y[i]]."""
import numpy as np


def nll_binary(y, p):
    n = len(y)
    p = np.clip(p, 1e-7, 1 - 1e-7)
    log_likelihood = np.sum(y * np.log(p)) + np.sum((1 - y) * np.log(1 - p))
    return -log_likelihood / n


def nll_categorical(y, P):
    n = len(y)
    picked = np.clip([P[i, y[i]] for i in range(n)], 1e-7, 1 - 1e-7)
    return -np.log(picked).sum() / n
