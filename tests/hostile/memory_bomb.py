import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))


def predict_no_hidden(X, W, b):
    # Reserves memory without end. The limit is on the address space, so it is met as soon as
    # enough is reserved, whether or not it is written (writing a GiB takes seconds on a loaded
    # machine, past the check's timeout, and would test the clock instead of the limit).
    hog = []
    while True:
        hog.append(np.empty(50 << 20, dtype=np.uint8))


p_fake = 1 / (1 + np.exp(-1.52))
