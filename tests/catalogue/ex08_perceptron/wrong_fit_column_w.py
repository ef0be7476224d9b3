"""Wrong: perceptron_fit keeps w as a column (d, 1) and updates it in place."""
import numpy as np


def heaviside(z):
    return np.where(np.asarray(z) >= 0, 1, 0)


def perceptron_predict(X, w, b):
    return heaviside(X @ w + b)


def perceptron_fit(X, y, epochs=10, lr=1.0):
    X = np.asarray(X, dtype=float)
    w = np.zeros((X.shape[1], 1))
    b = 0.0
    for _ in range(epochs):
        for x_i, y_i in zip(X, y, strict=True):
            error = y_i - heaviside(x_i @ w + b)
            w += lr * error * x_i
            b = b + lr * error
    return w, b


xor_best_accuracy = 0.75
