"""Correct: plain Python loops with math.log and min/max clipping."""
import math

EPS = 1e-7


def _clip(v):
    return min(max(float(v), EPS), 1 - EPS)


def nll_binary(y, p):
    total = 0.0
    for yi, pi in zip(y, p):
        pi = _clip(pi)
        total += yi * math.log(pi) + (1 - yi) * math.log(1 - pi)
    return -total / len(y)


def nll_categorical(y, P):
    total = 0.0
    for i, label in enumerate(y):
        total += math.log(_clip(P[i][label]))
    return -total / len(y)
