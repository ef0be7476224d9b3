"""Wrong: nll_binary uses np.log10 instead of the natural log."""
import numpy as np


def nll_binary(y, p):
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return -np.mean(y * np.log10(p) + (1 - y) * np.log10(1 - p))


def nll_categorical(y, P):
    P = np.clip(P, 1e-7, 1 - 1e-7)
    return -np.mean(np.log(P[np.arange(len(y)), y]))
