"""Checks for ex08_perceptron: the heaviside step, the linear threshold unit's prediction,
Rosenblatt's perceptron learning rule, and why a perceptron cannot learn XOR.

The conventions are the slides' and the notebook's: heaviside(0) = 1; training starts from
w = 0 and b = 0, visits the samples in order, and after each one updates
w += lr * (y_i - prediction_i) * x_i and b += lr * (y_i - prediction_i). Under them the
weights a correct solution finds are determined, so they are compared with the reference's.
Every case's data are integers or multiples of 1/8, or were checked to keep every weighted sum
far from 0, so float32 arithmetic or another order of the sums gives the same predictions.
"""

import numpy as np

from autograder.spec import Case, Check, Mistake, Tolerance

X_LOGIC = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
Y_AND = np.array([0, 0, 0, 1])
Y_OR = np.array([0, 1, 1, 1])
Y_XOR = np.array([0, 1, 1, 0])


# -- wrong implementations, as students write them --------------------------------------

def _step(z):
    return np.where(np.asarray(z) >= 0, 1, 0)


def _strict_step(z):
    return np.where(np.asarray(z) > 0, 1, 0)


def _plus_minus_step(z):
    return np.where(np.asarray(z) >= 0, 1, -1)


def _fit(X, y, epochs, lr, *, step=_step, factor="error", bias=True, lr_on_w=True, lr_on_b=True,
         passes=None, batch=False):
    """Rosenblatt's rule, with the switches a wrong implementation flips.

    ``factor``: what multiplies x_i ("error" = y_i - prediction_i, "prediction", "label", or
    "flipped" = prediction_i - y_i); ``passes``: how many epochs are really run (from
    ``epochs``); ``batch``: all errors of an epoch from the same weights, summed.
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    w = np.zeros(X.shape[1])
    b = 0.0
    for _ in range(epochs if passes is None else passes(epochs)):
        if batch:
            errors = y - step(X @ w + b)
            w = w + lr * X.T @ errors
            b = b + lr * float(np.sum(errors))
            continue
        for x_i, y_i in zip(X, y, strict=True):
            prediction = float(step(x_i @ w + b))
            f = {"error": y_i - prediction, "prediction": prediction, "label": y_i,
                 "flipped": prediction - y_i}[factor]
            w = w + (lr if lr_on_w else 1.0) * f * x_i
            if bias:
                b = b + (lr if lr_on_b else 1.0) * f
    return w, b


def _fit_with(**switches):
    return lambda X, y, epochs, lr: _fit(X, y, epochs, lr, **switches)


# -- heaviside ------------------------------------------------------------------------------

ARRAY_HINT = ("`if z >= 0:` and int(z >= 0) work for a single number only. For an array, compare "
              "elementwise: np.where(z >= 0, 1, 0) gives 0s and 1s for a number and for an array alike.")

HEAVISIDE_MISTAKES = [
    Mistake("On the slides heaviside(0) = 1: the step is 1 for z >= 0, so compare with >=, not > "
            "(with np.heaviside, the second argument is the value at 0: np.heaviside(z, 1)).",
            variant=_strict_step, name="strict_step"),
    Mistake("np.heaviside(z, 0.5) gives 0.5 at z = 0; the slides' heaviside(0) is 1: np.heaviside(z, 1).",
            variant=lambda z: np.heaviside(np.asarray(z, dtype=float), 0.5), name="heaviside_half"),
    Mistake("That is the sign function sgn(z), with values -1, 0 and +1; heaviside gives 0 for z < 0 "
            "and 1 for z >= 0.", variant=np.sign, name="sign_for_step"),
    Mistake("That step gives -1 for z < 0; heaviside gives 0 for z < 0 and 1 for z >= 0, "
            "the same 0/1 values as the labels.", variant=_plus_minus_step, name="plus_minus_step"),
    Mistake("The step is the wrong way round: heaviside is 0 for z < 0 and 1 for z >= 0.",
            variant=lambda z: np.where(np.asarray(z) < 0, 1, 0), name="step_reversed"),
    Mistake("The step is the wrong way round: heaviside is 0 for z < 0 and 1 for z >= 0.",
            variant=lambda z: np.where(np.asarray(z) <= 0, 1, 0), name="step_reversed"),
    Mistake(ARRAY_HINT, raised="ValueError", message="truth value of an array", name="scalar_step"),
    Mistake(ARRAY_HINT, raised="TypeError", message="converted to Python scalars", name="scalar_step"),
    Mistake("For a single number, z >= 0 is a Python bool, which has no .astype: write "
            "np.where(z >= 0, 1, 0), or (np.asarray(z) >= 0).astype(int).",
            raised="AttributeError", message="has no attribute 'astype'", name="bool_astype"),
]

HEAVISIDE_HINT = ("heaviside(z) is 1 where z >= 0 and 0 where z < 0. Return numbers (0 and 1, not True "
                  "and False) for a single number, and the same elementwise for an array of any shape: "
                  "np.where(z >= 0, 1, 0) does both.")


def _heaviside_hidden_cases():
    rng = np.random.default_rng(801)
    z = rng.normal(0, 3, size=1000)
    z[rng.choice(1000, size=50, replace=False)] = 0.0
    yield Case(z, shows="heaviside(1000 numbers, 50 of them 0)")
    yield Case(rng.integers(-3, 4, size=(6, 5)))
    yield Case(rng.normal(size=(4, 3, 2)).astype(np.float32))
    yield Case(np.float64(0.0))
    yield Case(-0.0)
    yield Case(0)
    yield Case(7)
    yield Case(-1e-30)  # tiny numbers that float32 still tells from 0
    yield Case(np.array([1e-30, -np.inf, np.inf, -2.5, 0.0]))


# -- perceptron_predict ---------------------------------------------------------------------

SHAPE_HINT = ("X holds one point per row, shape (n, d), and w one weight per feature, shape (d,): "
              "compute X @ w + b (or np.dot(X, w) + b), not w @ X.")

PREDICT_MISTAKES = [
    Mistake("A point with X @ w + b exactly 0 is predicted 1, since heaviside(0) = 1 on the slides: "
            "use z >= 0, not z > 0.", variant=lambda X, w, b: _strict_step(X @ w + b), name="strict_step"),
    Mistake("Apply the step to the weighted sum: the prediction is heaviside(X @ w + b), 0 or 1, "
            "not X @ w + b itself.", variant=lambda X, w, b: X @ w + b, name="step_not_applied"),
    Mistake("The bias is missing: the prediction is heaviside(X @ w + b).",
            variant=lambda X, w, b: _step(X @ w), name="missing_bias"),
    Mistake("Add the bias: heaviside(X @ w + b), not heaviside(X @ w - b).",
            variant=lambda X, w, b: _step(X @ w - b), name="bias_subtracted"),
    Mistake("That is the sign function, with values -1, 0 and +1; the perceptron's prediction is "
            "heaviside(X @ w + b), 0 or 1 like the labels.", variant=lambda X, w, b: np.sign(X @ w + b),
            name="sign_for_step"),
    Mistake("That step gives -1 instead of 0: the perceptron's prediction is heaviside(X @ w + b), "
            "0 or 1 like the labels.", variant=lambda X, w, b: _plus_minus_step(X @ w + b), name="plus_minus_step"),
    Mistake("That is the sigmoid, a probability (logistic regression). The perceptron's step "
            "outputs exactly 0 or 1: heaviside(X @ w + b).",
            variant=lambda X, w, b: 1 / (1 + np.exp(-(X @ w + b))), name="sigmoid_for_step"),
    Mistake(SHAPE_HINT, variant=lambda X, w, b: _step(w @ X + b), name="product_order"),
    Mistake("Your heaviside must work elementwise on an array, since X @ w + b holds one number per "
            "point: " + ARRAY_HINT, raised="ValueError", message="truth value of an array", name="scalar_step"),
    Mistake("Your heaviside must work elementwise on an array, since X @ w + b holds one number per "
            "point: " + ARRAY_HINT, raised="TypeError", message="converted to Python scalars", name="scalar_step"),
    Mistake(SHAPE_HINT, raised="ValueError", message="mismatch", name="product_order"),
    Mistake(SHAPE_HINT, raised="ValueError", message="not aligned", name="product_order"),
]

PREDICT_HINT = "The prediction of each row x of X is heaviside(x . w + b): all at once, heaviside(X @ w + b)."


def _predict_hidden_cases():
    rng = np.random.default_rng(802)
    grid = np.array([[x1, x2] for x1 in range(-3, 4) for x2 in range(-3, 4)])
    yield Case(grid, np.array([1, 2]), -1)  # integers; 4 of the 49 points lie exactly on the boundary
    yield Case(rng.normal(size=(1, 2)), rng.normal(size=2), float(rng.normal()))
    yield Case(rng.normal(size=(500, 3)), rng.normal(size=3), float(rng.normal()),
               shows="perceptron_predict(500 points with 3 features, w, b)")
    yield Case(grid, np.array([2.0, -1.0]), 0.0)  # the boundary through the origin: 3 points on it
    yield Case((rng.integers(-16, 17, size=(40, 4)) / 8).astype(np.float32),
               np.array([0.5, -0.25, 1.0, 0.125], dtype=np.float32), np.float32(-0.5))
    yield Case(np.array([[1.0, 2.0], [-3.0, 1.0]]), np.array([1.0, 1.0]), 0.5)  # n == d: w @ X runs
    yield Case(rng.normal(size=(8, 1)), np.array([-2.0]), 1.0)


# -- perceptron_fit ------------------------------------------------------------------------

EPOCHS_HINT = ("Run exactly `epochs` passes over the data: for epoch in range(epochs), visit every "
               "sample once; this looks like one pass too many or too few.")
RETURN_HINT = "Return the weights and the bias separately, as the pair (w, b), w of shape (d,) and b a number."
W_SHAPE_HINT = ("w has one weight per feature: start from np.zeros(X.shape[1]), shape (d,), not a row "
                "or a column such as np.zeros((1, d)) or np.zeros((d, 1)).")

FIT_MISTAKES = [
    Mistake("Starting from w = 0 and b = 0 the first prediction is heaviside(0), which is 1 on the "
            "slides: the step in the training loop must use z >= 0, not z > 0.",
            variant=_fit_with(step=_strict_step), name="strict_step"),
    Mistake("The prediction must be heaviside(x_i @ w + b), 0 or 1 like the labels: with a -1/+1 step "
            "the error y_i - prediction_i is not 0 when the prediction is right.",
            variant=_fit_with(step=_plus_minus_step), name="plus_minus_step"),
    Mistake("The bias must learn too: after each sample, b += lr * (y_i - prediction_i) as well as "
            "w += lr * (y_i - prediction_i) * x_i.", variant=_fit_with(bias=False), name="bias_not_updated"),
    Mistake("Update with the error y_i - prediction_i, not with the prediction: a right prediction "
            "(error 0) must leave w and b unchanged.", variant=_fit_with(factor="prediction"),
            name="update_with_prediction"),
    Mistake("Update with the error y_i - prediction_i, not with the label y_i: the weights change "
            "only for a wrong prediction.", variant=_fit_with(factor="label"), name="update_with_label"),
    Mistake("The error is y_i - prediction_i (the label minus the prediction); prediction_i - y_i "
            "moves the weights away from the right answer.", variant=_fit_with(factor="flipped"),
            name="error_flipped"),
    Mistake("Multiply each update by the learning rate: w += lr * (y_i - prediction_i) * x_i and "
            "b += lr * (y_i - prediction_i).", variant=_fit_with(lr_on_w=False, lr_on_b=False),
            name="missing_learning_rate"),
    Mistake("The bias update needs the learning rate too: b += lr * (y_i - prediction_i).",
            variant=_fit_with(lr_on_b=False), name="missing_learning_rate"),
    Mistake("The weights' update needs the learning rate too: w += lr * (y_i - prediction_i) * x_i.",
            variant=_fit_with(lr_on_w=False), name="missing_learning_rate"),
    Mistake(EPOCHS_HINT, variant=_fit_with(passes=lambda epochs: epochs - 1), name="wrong_epoch_count"),
    Mistake(EPOCHS_HINT, variant=_fit_with(passes=lambda epochs: epochs + 1), name="wrong_epoch_count"),
    Mistake("That is one pass over the data: repeat it `epochs` times (for epoch in range(epochs): "
            "then, inside, for each sample in order).", variant=_fit_with(passes=lambda epochs: 1),
            name="one_pass_only"),
    Mistake("Rosenblatt's rule updates after each sample, in order, so the next prediction already "
            "uses the new weights. Computing all errors of an epoch with the same weights and "
            "summing them is another (batch) rule.", variant=_fit_with(batch=True), name="batch_updates"),
    Mistake("Return (w, b), the weights first, then the bias.",
            variant=lambda X, y, epochs, lr: _fit(X, y, epochs, lr)[::-1], name="weights_bias_swapped"),
    Mistake(RETURN_HINT, variant=lambda X, y, epochs, lr: np.append(*_fit(X, y, epochs, lr)), name="not_a_pair"),
    Mistake(RETURN_HINT, variant=lambda X, y, epochs, lr: np.append(*_fit(X, y, epochs, lr)[::-1]),
    name="not_a_pair"),
    Mistake(W_SHAPE_HINT, variant=lambda X, y, epochs, lr: (lambda w, b: (w.reshape(1, -1), b))(
        *_fit(X, y, epochs, lr)), name="weights_shape"),
    Mistake(W_SHAPE_HINT, variant=lambda X, y, epochs, lr: (lambda w, b: (w.reshape(-1, 1), b))(
        *_fit(X, y, epochs, lr)), name="weights_shape"),
    Mistake(W_SHAPE_HINT, raised="ValueError", message="non-broadcastable output operand", name="weights_shape"),
    Mistake("w = np.zeros_like(X[0]) is an integer array when X holds integers, and "
            "lr * error * x_i is a float: start from floats, w = np.zeros(X.shape[1]).",
            raised="TypeError", message="Cannot cast ufunc", name="integer_weights"),
]

# On XOR, updating with the label and updating with prediction - label end at the same weights.
XOR_MISTAKES = [
    Mistake("Update with the error y_i - prediction_i, the label minus the prediction: not with the "
            "label y_i alone, nor with prediction_i - y_i.", variant=_fit_with(factor="label"),
            name="update_with_label"),
    *FIT_MISTAKES,
]

FIT_HINT = ("Follow the rule exactly, so that it finds the same weights: start from w = np.zeros(d) and "
            "b = 0 (not random numbers), then, epochs times, visit the samples in their order (no "
            "shuffling): prediction_i = heaviside(x_i @ w + b), w += lr * (y_i - prediction_i) * x_i, "
            "b += lr * (y_i - prediction_i). Return (w, b).")


def _logic_case(gate, epochs, lr):
    """perceptron_fit on the four points of a logic gate, shown with the notebook's names.
    (epochs and lr are passed by position: a Case's keyword arguments do not survive the
    round trip through public_checks.json.)"""
    labels = {"and": Y_AND, "or": Y_OR, "xor": Y_XOR}[gate]
    return Case(X_LOGIC, labels, epochs, lr, shows=f"perceptron_fit(X_logic, y_{gate}, epochs={epochs}, lr={lr})")


def _separable(rng, n, d, scale=8, margin=0.5):
    """n points with d features (multiples of 1 / scale in [-3, 3]), labelled by a random line
    with no point closer to it than ``margin``."""
    w_true, b_true = rng.normal(size=d), rng.normal()
    points = []
    while len(points) < n:
        x = rng.integers(-3 * scale, 3 * scale + 1, size=d) / scale
        if abs(x @ w_true + b_true) / np.linalg.norm(w_true) >= margin:
            points.append(x)
    X = np.array(points)
    return X, (X @ w_true + b_true >= 0).astype(int)


def _fit_hidden_cases():
    rng = np.random.default_rng(803)
    X, y = _separable(rng, 12, 2)
    yield Case(X, y, 20, 1.0)
    X, y = _separable(rng, 30, 3, scale=1)
    yield Case(X.astype(int), y, 5, 0.5)  # integer inputs
    X, y = _separable(rng, 40, 2, scale=4)
    yield Case(X.astype(np.float32), y.astype(np.float32), 8, 0.25)  # float32 inputs and labels
    X, y = _separable(rng, 200, 5, scale=2)
    yield Case(X, y, 3, 1.0, shows="perceptron_fit(200 points with 5 features, y, 3, 1.0)")
    # real-valued points, whose weighted sums stay at least 1e-3 from 0 all through training
    X = rng.normal(size=(25, 2))
    yield Case(X, (X @ np.array([1.5, -1.0]) + 0.3 >= 0).astype(int), 6, 0.1)
    X = rng.normal(size=(10, 1))
    yield Case(X, (X[:, 0] > 0.2).astype(int), 10, 0.5)
    yield Case(X_LOGIC[::-1], Y_AND[::-1], 10, 1.0)  # AND, the samples in the other order
    yield Case(X_LOGIC, 1 - Y_AND, 10, 0.125)  # NAND
    yield Case(np.array([[2.0, -1.0]]), np.array([0]), 3, 1.0)  # a single sample


FLIP_HINT = ("Negate a perceptron's w and b and its predictions flip (but for points exactly on its "
             "line), so an accuracy a becomes about 1 - a: the best is at least 0.5.")

CHECKS = [
    Check("heaviside_values", target="heaviside", points=2,
          about="heaviside(z) is 0 for z < 0 and 1 for z >= 0 (heaviside(0) = 1), for a number and elementwise",
          cases=[Case(np.array([-2.0, -0.5, 0.0, 0.5, 2.0])), Case(0.0), Case(-3),
                 Case(np.array([[1, -1], [0, -4]]))],
          mistakes=HEAVISIDE_MISTAKES, tolerance=Tolerance(exact=True), hint=HEAVISIDE_HINT),
    Check("heaviside_random", target="heaviside", points=1, hidden=True,
          about="heaviside on 1000 numbers, integers, float32, 3-D arrays, -0.0, tiny numbers and infinities",
          cases=_heaviside_hidden_cases, mistakes=HEAVISIDE_MISTAKES, tolerance=Tolerance(exact=True),
          hint=HEAVISIDE_HINT),
    Check("perceptron_predict_values", target="perceptron_predict", points=1,
          about="perceptron_predict(X, w, b) = heaviside(X @ w + b): a 0/1 label per row, shape (n,)",
          cases=[Case(np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-1.0, 0.0], [2.0, 0.0], [-3.0, -1.0],
                                [-2.0, 1.0], [0.5, 1.0], [1.5, 1.0]]), np.array([1.0, -2.0]), 1.0,
                      shows="perceptron_predict(np.array([[0, 0], [0, 1], [1, 1], [-1, 0], [2, 0], [-3, -1], "
                            "[-2, 1], [0.5, 1], [1.5, 1]]), np.array([1, -2]), 1)")],
          mistakes=PREDICT_MISTAKES, tolerance=Tolerance(exact=True, squeeze=True), hint=PREDICT_HINT),
    Check("perceptron_predict_random", target="perceptron_predict", points=1, hidden=True,
          about="perceptron_predict on 1 to 500 points with 1 to 4 features, integers, float32, "
                "points on the boundary",
          cases=_predict_hidden_cases, mistakes=PREDICT_MISTAKES, tolerance=Tolerance(exact=True, squeeze=True),
          hint=PREDICT_HINT),
    Check("perceptron_fit_and_or", target="perceptron_fit", points=2,
          about="perceptron_fit learns AND and OR: the (w, b) of Rosenblatt's rule, which classify "
                "the four points without error",
          cases=[_logic_case("and", 10, 1.0), _logic_case("or", 10, 1.0), _logic_case("and", 4, 0.5)],
          mistakes=FIT_MISTAKES, hint=FIT_HINT),
    Check("perceptron_fit_xor", target="perceptron_fit", points=1,
          about="perceptron_fit on XOR stops after `epochs` passes with the rule's (w, b), "
                "although it never classifies the four points without error",
          cases=[_logic_case("xor", 9, 1.0), _logic_case("xor", 2, 1.0)],
          mistakes=XOR_MISTAKES, hint=FIT_HINT),
    Check("perceptron_fit_random", target="perceptron_fit", points=2, hidden=True,
          about="perceptron_fit on linearly separable sets of 1 to 200 points with 1 to 5 features, "
                "integer and float32 inputs, learning rates 0.1 to 1",
          cases=_fit_hidden_cases, mistakes=FIT_MISTAKES, hint=FIT_HINT),
    Check("xor_best_accuracy_is_fraction", target="xor_best_accuracy", points=1, kind="value",
          bounds=(0.0, 1.0),
          about="xor_best_accuracy is an accuracy: a number between 0 and 1 (its value is checked when graded)",
          hint="An accuracy is the fraction of the four points classified correctly: a number between 0 and 1."),
    Check("xor_best_accuracy_value", target="xor_best_accuracy", points=1, kind="value", hidden=True,
          about="xor_best_accuracy: the best training accuracy any perceptron reaches on the four XOR points",
          tolerance=Tolerance(rtol=0.0, atol=0.005),
          mistakes=[
              Mistake("No perceptron classifies all four XOR points: its decision boundary is a straight "
                      "line, and no line has (0, 1) and (1, 0) on one side and (0, 0) and (1, 1) on the "
                      "other (Minsky & Papert, 1969).", variant=lambda: 1.0, name="xor_separable"),
              Mistake("That is where the perceptron trained in this notebook ends, not the best any "
                      "perceptron can do: draw the four XOR points and look for the straight line that "
                      "leaves the fewest of them on the wrong side.", variant=lambda: 0.5, name="xor_trained_result"),
              Mistake(FLIP_HINT, variant=lambda: 0.25, name="negated_perceptron"),
              Mistake(FLIP_HINT, variant=lambda: 0.0, name="negated_perceptron"),
              Mistake("That is a count of points: the accuracy is the fraction of the four points "
                      "classified correctly.", variant=lambda: 3, name="count_for_fraction"),
              Mistake("Give the accuracy as a fraction between 0 and 1, not a percentage.",
                      variant=lambda: 75, name="percent_for_fraction"),
          ],
          hint="Draw the four XOR points: a perceptron separates them by one straight line. How many of "
               "the four can a line put on their correct side at best?"),
]
