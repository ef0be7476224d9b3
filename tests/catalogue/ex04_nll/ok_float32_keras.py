"""Correct: float32 arithmetic like Keras, with take_along_axis; returns 0-d arrays."""
import numpy as np

EPS = np.float32(1e-7)


def nll_binary(y, p):
    y = np.asarray(y, dtype=np.float32)
    p = np.clip(np.asarray(p, dtype=np.float32), EPS, 1 - EPS)
    return np.asarray(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def nll_categorical(y, P):
    P = np.clip(np.asarray(P, dtype=np.float32), EPS, 1 - EPS)
    picked = np.take_along_axis(P, np.asarray(y).reshape(-1, 1), axis=1)
    return np.asarray(-np.log(picked).mean())
