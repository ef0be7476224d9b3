"""Wrong: np.heaviside(z, 0.5) from NumPy's documentation, 0.5 at z = 0; predict and fit compare with 0 themselves."""
import numpy as np


def heaviside(z):
    return np.heaviside(z, 0.5)


def perceptron_predict(X, w, b):
    return (X @ w + b >= 0).astype(int)


def perceptron_fit(X, y, epochs=10, lr=1.0):
    X = np.asarray(X, dtype=float)
    w = np.zeros(X.shape[1])
    b = 0.0
    for _ in range(epochs):
        for x_i, y_i in zip(X, y, strict=True):
            error = y_i - (1 if x_i @ w + b >= 0 else 0)
            w = w + lr * error * x_i
            b = b + lr * error
    return w, b


xor_best_accuracy = 0.75
