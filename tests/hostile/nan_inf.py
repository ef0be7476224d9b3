import numpy as np


def sigmoid(z):
    return np.full(np.shape(z), np.inf)


def predict_no_hidden(X, W, b):
    return np.full((len(X), 1), np.nan)


p_fake = float("nan")
