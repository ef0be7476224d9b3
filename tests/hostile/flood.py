import sys

import numpy as np

for _ in range(20000):
    print("x" * 500)
    print("y" * 500, file=sys.stderr)


def sigmoid(z):
    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))


def predict_no_hidden(X, W, b):
    print("z" * 10_000_000)
    return sigmoid(X @ W + b)


p_fake = 1 / (1 + np.exp(-1.52))
