"""Checks for ex02_forward_pass: the forward pass of networks with one and two hidden layers."""

import numpy as np

from autograder.spec import Case, Check, Mistake


def _sig(z):
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=np.float64)))


def course_weights():
    """The course's weights: np.random.seed(22) reset before each draw."""
    np.random.seed(22)
    W1 = np.random.normal(0, 1, 16).reshape(2, 8)
    b1 = W1[0]
    np.random.seed(22)
    W2 = np.random.normal(0, 1, 8).reshape(8, 1)
    b2 = np.array([-0.09194992])
    np.random.seed(22)
    W2_ = np.random.normal(0, 1, 64).reshape(8, 8)
    return W1, b1, W2, b2, W2_


def _relu(z):
    return np.maximum(0.0, z)


ONE_HIDDEN_MISTAKES = [
    Mistake("The hidden layer needs its activation: hidden = sigmoid(X @ W1 + b1).",
            variant=lambda X, W1, b1, W2, b2: _sig((X @ W1 + b1) @ W2 + b2), name="missing_hidden_activation"),
    Mistake("The output needs the sigmoid too: p = sigmoid(hidden @ W2 + b2).",
            variant=lambda X, W1, b1, W2, b2: _sig(X @ W1 + b1) @ W2 + b2, name="missing_output_activation"),
    Mistake("A bias is missing: hidden = sigmoid(X @ W1 + b1), p = sigmoid(hidden @ W2 + b2).",
            variant=lambda X, W1, b1, W2, b2: _sig(_sig(X @ W1) @ W2), name="missing_biases"),
    Mistake("The hidden bias b1 is missing: hidden = sigmoid(X @ W1 + b1).",
            variant=lambda X, W1, b1, W2, b2: _sig(_sig(X @ W1) @ W2 + b2), name="missing_hidden_bias"),
    Mistake("The output bias b2 is missing: p = sigmoid(hidden @ W2 + b2).",
            variant=lambda X, W1, b1, W2, b2: _sig(_sig(X @ W1 + b1) @ W2), name="missing_output_bias"),
    Mistake("This exercise uses the sigmoid in the hidden layer, not ReLU.",
            variant=lambda X, W1, b1, W2, b2: _sig(_relu(X @ W1 + b1) @ W2 + b2), name="relu_for_sigmoid"),
    Mistake("This exercise uses the sigmoid in the hidden layer, not tanh.",
            variant=lambda X, W1, b1, W2, b2: _sig(np.tanh(X @ W1 + b1) @ W2 + b2), name="tanh_for_sigmoid"),
    Mistake("The shapes do not fit: X is (n, 2), W1 (2, h) and W2 (h, 1): multiply X @ W1, "
            "then hidden @ W2, without transposing.", raised="ValueError", message="mismatch", name="product_order"),
    Mistake("The shapes do not fit: multiply np.dot(X, W1), then np.dot(hidden, W2).",
            raised="ValueError", message="not aligned", name="product_order"),
]

TWO_HIDDEN_MISTAKES = [
    Mistake("Each hidden layer needs its sigmoid, the second one too.",
            variant=lambda X, W1, b1, W2, b2, W3, b3: _sig((_sig(X @ W1 + b1) @ W2 + b2) @ W3 + b3),
            name="missing_hidden_activation"),
    Mistake("The first hidden layer needs its sigmoid.",
            variant=lambda X, W1, b1, W2, b2, W3, b3: _sig(_sig((X @ W1 + b1) @ W2 + b2) @ W3 + b3),
            name="missing_hidden_activation"),
    Mistake("The output needs the sigmoid: p = sigmoid(hidden2 @ W3 + b3).",
            variant=lambda X, W1, b1, W2, b2, W3, b3: _sig(_sig(X @ W1 + b1) @ W2 + b2) @ W3 + b3,
            name="missing_output_activation"),
    Mistake("The second hidden layer is skipped: hidden2 = sigmoid(hidden1 @ W2 + b2), "
            "then p = sigmoid(hidden2 @ W3 + b3).",
            variant=lambda X, W1, b1, W2, b2, W3, b3: _sig(_sig(X @ W1 + b1) @ W3 + b3), name="skipped_layer"),
    Mistake("The biases are missing: every layer computes sigmoid(input @ W + b).",
            variant=lambda X, W1, b1, W2, b2, W3, b3: _sig(_sig(_sig(X @ W1) @ W2) @ W3), name="missing_biases"),
    Mistake("This exercise uses the sigmoid in the hidden layers, not ReLU.",
            variant=lambda X, W1, b1, W2, b2, W3, b3: _sig(_relu(_relu(X @ W1 + b1) @ W2 + b2) @ W3 + b3),
            name="relu_for_sigmoid"),
    Mistake("W2 is (h1, h2): multiply hidden1 @ W2 without transposing it (with 8 x 8 "
            "weights both orders fit, but only one is the network).",
            variant=lambda X, W1, b1, W2, b2, W3, b3: _sig(_sig(_sig(X @ W1 + b1) @ W2.T + b2) @ W3 + b3),
            name="transposed_weights"),
    Mistake("The shapes do not fit: X @ W1 is (n, h1), then @ W2 (h1, h2), then @ W3 (h2, 1).",
            raised="ValueError", message="mismatch", name="product_order"),
]


def _one_hidden_random():
    rng = np.random.default_rng(11)
    for n, h in ((1, 8), (12, 1), (3000, 64), (5, 3)):
        yield Case(rng.normal(size=(n, 2)), rng.normal(size=(2, h)), rng.normal(size=(h,)),
                   rng.normal(size=(h, 1)), rng.normal(size=(1,)))
    f32 = np.float32
    yield Case(rng.normal(size=(10, 2)).astype(f32), rng.normal(size=(2, 4)).astype(f32),
               np.zeros(4, f32), rng.normal(size=(4, 1)).astype(f32), np.zeros(1, f32))
    yield Case(rng.integers(-2, 3, size=(7, 2)), rng.integers(-1, 2, size=(2, 3)),
               np.array([0, 1, 0]), np.array([[1], [-1], [2]]), np.array([0]))


def _two_hidden_random():
    rng = np.random.default_rng(12)
    for n, h1, h2 in ((1, 8, 8), (40, 3, 5), (2000, 32, 16), (6, 1, 1)):
        yield Case(rng.normal(size=(n, 2)), rng.normal(size=(2, h1)), rng.normal(size=(h1,)),
                   rng.normal(size=(h1, h2)), rng.normal(size=(h2,)),
                   rng.normal(size=(h2, 1)), rng.normal(size=(1,)))
    f32 = np.float32
    yield Case(*(a.astype(f32) for a in (rng.normal(size=(9, 2)), rng.normal(size=(2, 4)),
                                         rng.normal(size=4), rng.normal(size=(4, 2)),
                                         rng.normal(size=2), rng.normal(size=(2, 1)),
                                         rng.normal(size=1))))


def _course_one_hidden():
    W1, b1, W2, b2, _ = course_weights()
    X = np.array([[1.0, 2.2]])
    batch = np.array([[1.0, 2.2], [-3.0, 0.5], [0.0, 0.0]])
    return [Case(X, W1, b1, W2, b2, shows="predict_hidden(x = [[1, 2.2]], the course's W1, b1, W2, b2)"),
            Case(batch, W1, b1, W2, b2,
                 shows="predict_hidden(X of 3 rows, the course's W1, b1, W2, b2)")]


def _course_two_hidden():
    W1, b1, W2, b2, W2_ = course_weights()
    X = np.array([[1.0, 2.2]])
    batch = np.array([[1.0, 2.2], [-3.0, 0.5], [0.0, 0.0]])
    return [Case(X, W1, b1, W2_, b1, W2, b2,
                 shows="predict_two_hidden(x = [[1, 2.2]], the course's W1, b1, W2_, b2_, W3_, b3)"),
            Case(batch, W1, b1, W2_, b1, W2, b2,
                 shows="predict_two_hidden(X of 3 rows, the course's weights)")]


CHECKS = [
    Check("predict_hidden_course", target="predict_hidden", points=3,
          about="one hidden layer of 8 sigmoid units on the course's weights (p = 0.44860787 for x = (1, 2.2))",
          cases=_course_one_hidden, mistakes=ONE_HIDDEN_MISTAKES,
          hint="hidden = sigmoid(X @ W1 + b1); p = sigmoid(hidden @ W2 + b2); p has shape (n, 1)."),
    Check("predict_hidden_random", target="predict_hidden", points=2, hidden=True,
          about="one hidden layer: batches of 1 to 3000 rows, 1 to 64 hidden units, float32 and integers",
          cases=_one_hidden_random, mistakes=ONE_HIDDEN_MISTAKES,
          hint="hidden = sigmoid(X @ W1 + b1); p = sigmoid(hidden @ W2 + b2), for any number of "
               "rows and hidden units."),
    Check("predict_two_hidden_course", target="predict_two_hidden", points=3,
          about="two hidden layers of 8 sigmoid units on the course's weights (p = 0.64217449 for x = (1, 2.2))",
          cases=_course_two_hidden, mistakes=TWO_HIDDEN_MISTAKES,
          hint="Apply sigmoid(input @ W + b) three times: two hidden layers and the output."),
    Check("predict_two_hidden_random", target="predict_two_hidden", points=2, hidden=True,
          about="two hidden layers: batches of 1 to 2000 rows, layers of 1 to 32 units, float32",
          cases=_two_hidden_random, mistakes=TWO_HIDDEN_MISTAKES,
          hint="Apply sigmoid(input @ W + b) three times, for any layer sizes."),
]


# -- Task 3: the same networks in Keras ---------------------------------------------------

from autograder.keras_hints import KERAS1_MISTAKES  # noqa: E402
from autograder.spec import BuiltModelCheck  # noqa: E402

KERAS_MISTAKES = KERAS1_MISTAKES + (
    Mistake("set_weights failed: the layers' shapes differ from the task's. Use keras.Input(shape=(2,)), "
            "then Dense(n_hidden, activation='sigmoid') and Dense(1, activation='sigmoid').",
            raised="ValueError", message="not compatible", name="set_weights_shapes"),
    Mistake("set_weights got a different number of arrays than the model has: the model needs exactly "
            "one kernel and one bias per Dense layer.", raised="ValueError", message="weight",
            name="set_weights_count"),
)
TWO_POINTS = np.array([[1.0, 2.2], [-3.0, 0.5]])


def _random_hidden_weights(n_hidden=3):
    rng = np.random.default_rng(23)
    return [rng.normal(size=(2, n_hidden)), rng.normal(size=n_hidden), rng.normal(size=(n_hidden, 1)),
            rng.normal(size=1)]


CHECKS += [
    BuiltModelCheck("keras_no_hidden_course", target="build_keras_no_hidden", points=2,
                    weights=[np.array([[0.3], [0.1]]), np.array([1.0])], x=TWO_POINTS,
                    shows="build_keras_no_hidden() with w = (0.3, 0.1), b = 1",
                    about="2 inputs -> 1 sigmoid output, 3 parameters; p = 0.8205 for x = (1, 2.2)",
                    hint="One layer: keras.Sequential([keras.Input(shape=(2,)), "
                         "layers.Dense(1, activation='sigmoid')]).",
                    mistakes=KERAS_MISTAKES),
    BuiltModelCheck("keras_hidden_course", target="build_keras_hidden", points=3,
                    weights=lambda: list(course_weights()[:4]), x=TWO_POINTS,
                    shows="build_keras_hidden() with the course's W1, b1, W2, b2",
                    about="2 -> 8 sigmoid -> 1 sigmoid, 33 parameters; p = 0.44860787 for x = (1, 2.2)",
                    hint="Two Dense layers, both with activation='sigmoid': Dense(n_hidden), then Dense(1).",
                    mistakes=KERAS_MISTAKES),
    BuiltModelCheck("keras_hidden_sizes", target="build_keras_hidden", points=1, hidden=True,
                    kwargs={"n_hidden": 3}, weights=_random_hidden_weights,
                    x=np.random.default_rng(24).normal(size=(6, 2)),
                    shows="build_keras_hidden(n_hidden=3) with random weights",
                    about="the hidden layer's size follows n_hidden",
                    hint="Use the argument: layers.Dense(n_hidden, activation='sigmoid').",
                    mistakes=KERAS_MISTAKES),
]
