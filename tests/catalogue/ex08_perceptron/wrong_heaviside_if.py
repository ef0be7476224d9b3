"""Wrong: heaviside with if/else, for one number only: the vectorised predict fails too, fit works."""
import numpy as np


def heaviside(z):
    if z >= 0:
        return 1
    else:
        return 0


def perceptron_predict(X, w, b):
    return heaviside(X @ w + b)


def perceptron_fit(X, y, epochs=10, lr=1.0):
    X = np.asarray(X, dtype=float)
    w = np.zeros(X.shape[1])
    b = 0.0
    for _ in range(epochs):
        for x_i, y_i in zip(X, y, strict=True):
            error = y_i - heaviside(x_i @ w + b)
            w = w + lr * error * x_i
            b = b + lr * error
    return w, b


xor_best_accuracy = 0.75
