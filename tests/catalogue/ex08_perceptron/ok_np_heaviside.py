"""Correct: np.heaviside(z, 1), np.dot, in-place float updates, index loops, a stop after an epoch without errors."""
import numpy as np


def heaviside(z):
    return np.heaviside(z, 1)


def perceptron_predict(X, w, b):
    return np.heaviside(np.dot(X, w) + b, 1).astype(int)


def perceptron_fit(X, y, epochs=10, lr=1.0):
    n, d = np.shape(X)
    w = np.zeros(d)
    b = 0.0
    for _ in range(epochs):
        mistakes = 0
        for i in range(n):
            prediction = heaviside(np.dot(X[i], w) + b)
            if prediction != y[i]:
                mistakes += 1
                w += lr * (y[i] - prediction) * X[i]
                b += lr * (y[i] - prediction)
        if mistakes == 0:  # nothing would change any more
            break
    return w, b


xor_best_accuracy = 0.75
