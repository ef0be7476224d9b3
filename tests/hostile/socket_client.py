# Tries to reach a port the grader's machine listens on (loopback).
import socket

import numpy as np

try:
    with socket.create_connection(("127.0.0.1", __PORT__), timeout=2) as s:
        s.sendall(b"exfiltrate")
    connected = True
except OSError as exc:
    print("no connection:", exc)
    connected = False


def sigmoid(z):
    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))


def predict_no_hidden(X, W, b):
    return sigmoid(X @ W + b)


p_fake = 1 / (1 + np.exp(-1.52)) if not connected else 0.5
