import numpy as np


def sigmoid(z):
    return [[1, 2], [3]]


def predict_no_hidden(X, W, b):
    return np.zeros((3, 7))


p_fake = "0.82"
