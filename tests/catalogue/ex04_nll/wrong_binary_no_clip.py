"""Wrong: nll_binary does not clip p, so p = 0 or 1 gives inf or NaN."""
import numpy as np


def nll_binary(y, p):
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def nll_categorical(y, P):
    P = np.clip(P, 1e-7, 1 - 1e-7)
    return -np.mean(np.log(P[np.arange(len(y)), y]))
