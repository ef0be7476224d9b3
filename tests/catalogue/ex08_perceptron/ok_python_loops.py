"""Correct: plain Python loops and lists, booleans cast with int(); xor_best_accuracy found by a search over weights."""
import itertools

import numpy as np


def heaviside(z):
    values = [int(v >= 0) for v in np.ravel(z)]
    return np.array(values).reshape(np.shape(z))


def perceptron_predict(X, w, b):
    labels = []
    for row in X:
        z = b + sum(x_k * w_k for x_k, w_k in zip(row, w, strict=True))
        labels.append(1 if z >= 0 else 0)
    return np.array(labels)


def perceptron_fit(X, y, epochs=10, lr=1.0):
    w = [0.0] * len(X[0])
    b = 0.0
    for _ in range(epochs):
        for row, label in zip(X, y, strict=True):
            z = b + sum(x_k * w_k for x_k, w_k in zip(row, w, strict=True))
            error = float(label) - int(z >= 0)
            w = [w_k + lr * error * float(x_k) for w_k, x_k in zip(w, row, strict=True)]
            b += lr * error
    return np.array(w), b


X_XOR = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
Y_XOR = np.array([0, 1, 1, 0])
GRID = np.arange(-2, 2.5, 0.5)
xor_best_accuracy = max(float(np.mean(perceptron_predict(X_XOR, np.array([w1, w2]), b) == Y_XOR))
                        for w1, w2, b in itertools.product(GRID, GRID, GRID))
