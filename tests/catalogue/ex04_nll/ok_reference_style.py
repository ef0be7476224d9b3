"""Correct: np.clip then -np.mean of the log-likelihood terms, Python floats returned."""
import numpy as np

EPSILON = 1e-7


def nll_binary(y, p):
    y = np.asarray(y, dtype=float)
    p = np.clip(np.asarray(p, dtype=float), EPSILON, 1 - EPSILON)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def nll_categorical(y, P):
    P = np.clip(np.asarray(P, dtype=float), EPSILON, 1 - EPSILON)
    return float(-np.mean(np.log(P[np.arange(len(y)), y])))
