"""Correct: np.where picks log(p) or log(1 - p); one-hot labels for the categorical case; np.float64 returned."""
import numpy as np


def nll_binary(y, p):
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return -np.mean(np.where(np.asarray(y) == 1, np.log(p), np.log(1 - p)))


def nll_categorical(y, P):
    P = np.clip(P, 1e-7, 1 - 1e-7)
    Y = np.eye(P.shape[1])[y]
    return -np.mean(np.sum(Y * np.log(P), axis=1))
