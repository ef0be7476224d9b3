# Tries to write outside its scratch folder; the test looks for these files on the host.
import numpy as np

for path in ["__ROOT__/__MARKER__", "__OUT__/__MARKER__", "/tmp/__MARKER__", "/var/tmp/__MARKER__",
             "__ROOT__/solutions/ex01_sigmoid/__MARKER__"]:
    try:
        with open(path, "w") as f:
            f.write("pwned")
    except OSError as exc:
        print("refused:", path, type(exc).__name__)


def sigmoid(z):
    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))


def predict_no_hidden(X, W, b):
    return sigmoid(X @ W + b)


p_fake = 1 / (1 + np.exp(-1.52))
