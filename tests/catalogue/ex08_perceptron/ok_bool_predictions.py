"""Correct: boolean arrays cast with astype in heaviside, True/False predictions, updates only on mistakes."""
import numpy as np


def heaviside(z):
    return (np.asarray(z) >= 0).astype(int)


def perceptron_predict(X, w, b):
    return np.asarray(X) @ w + b >= 0


def perceptron_fit(X, y, epochs=10, lr=1.0):
    X = np.asarray(X, dtype=np.float64)
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(epochs):
        for x_i, y_i in zip(X, y, strict=True):
            y_hat = x_i @ w + b >= 0
            if y_hat != y_i:
                w += lr * (y_i - int(y_hat)) * x_i
                b += lr * (y_i - int(y_hat))
    return (w, b)


xor_best_accuracy = 0.75
