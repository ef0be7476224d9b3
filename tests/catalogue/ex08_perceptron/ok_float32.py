"""Correct: float32 arithmetic throughout, float32 results, xor_best_accuracy a np.float32."""
import numpy as np


def heaviside(z):
    z = np.asarray(z, dtype=np.float32)
    return (z >= 0).astype(np.float32)


def perceptron_predict(X, w, b):
    X, w = np.asarray(X, dtype=np.float32), np.asarray(w, dtype=np.float32)
    return heaviside(X @ w + np.float32(b))


def perceptron_fit(X, y, epochs=10, lr=1.0):
    X = np.asarray(X, dtype=np.float32)
    y = np.asarray(y, dtype=np.float32)
    lr = np.float32(lr)
    w = np.zeros(X.shape[1], dtype=np.float32)
    b = np.float32(0)
    for _ in range(epochs):
        for x_i, y_i in zip(X, y, strict=True):
            error = y_i - heaviside(np.dot(x_i, w) + b)
            w = w + lr * error * x_i
            b = b + lr * error
    return w, b


xor_best_accuracy = np.float32(0.75)
