"""Wrong: perceptron_fit computes every error of an epoch with the same weights and adds them up (batch)."""
import numpy as np


def heaviside(z):
    return np.where(np.asarray(z) >= 0, 1, 0)


def perceptron_predict(X, w, b):
    return heaviside(X @ w + b)


def perceptron_fit(X, y, epochs=10, lr=1.0):
    X = np.asarray(X, dtype=float)
    w = np.zeros(X.shape[1])
    b = 0.0
    for _ in range(epochs):
        errors = y - heaviside(X @ w + b)
        w = w + lr * X.T @ errors
        b = b + lr * np.sum(errors)
    return w, b


xor_best_accuracy = 0.75
