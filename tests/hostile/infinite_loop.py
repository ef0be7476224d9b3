import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))


def predict_no_hidden(X, W, b):
    while True:
        pass


p_fake = 1 / (1 + np.exp(-1.52))
