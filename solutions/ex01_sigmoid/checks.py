"""Checks for ex01_sigmoid: the logistic function, a network without hidden layer,
and the probability of a forged banknote worked out by hand."""

import numpy as np

from autograder.spec import Case, Check, Mistake, Tolerance


def _sig(z):
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=np.float64)))


SIGMOID_MISTAKES = [
    Mistake("That is tanh(z). The sigmoid is 1 / (1 + exp(-z)); its values lie in (0, 1).",
            variant=np.tanh, name="tanh_for_sigmoid"),
    Mistake("That is ReLU, max(0, z). The sigmoid is 1 / (1 + exp(-z)).",
            variant=lambda z: np.maximum(0.0, z), name="relu_for_sigmoid"),
    Mistake("Check the sign in the exponent: sigmoid(z) = 1 / (1 + exp(-z)), so sigmoid(2) > 0.5.",
            variant=lambda z: 1.0 / (1.0 + np.exp(np.asarray(z, dtype=float))), name="exponent_sign"),
    Mistake("The 1 + is missing from the denominator: sigmoid(z) = 1 / (1 + exp(-z)).",
            variant=lambda z: 1.0 / np.exp(-np.asarray(z, dtype=float)), name="missing_one_plus"),
    Mistake("The sigmoid needs `np.exp`, which works elementwise on arrays; `math.exp` "
            "accepts only single numbers.", raised="TypeError", message="only", name="math_exp_on_array"),
]


def _sigmoid_hidden_cases():
    rng = np.random.default_rng(2024)
    yield Case(np.float64(3.5))
    yield Case(0)
    yield Case(np.array([7.0]))
    yield Case(rng.normal(0, 4, size=1000))
    yield Case(rng.normal(0, 4, size=(50, 3)).astype(np.float32))
    yield Case(np.arange(-20, 21))
    yield Case(np.array([-1000.0, -745.0, -50.0, 50.0, 745.0, 1000.0]))


def _predict_hidden_cases():
    rng = np.random.default_rng(7)
    for n in (1, 9, 5000):
        yield Case(rng.normal(size=(n, 2)), rng.normal(size=(2, 1)), rng.normal(size=(1,)))
    yield Case(rng.integers(-3, 4, size=(6, 2)), np.array([[1], [-2]]), np.array([1]))
    yield Case(rng.normal(size=(20, 2)).astype(np.float32),
               rng.normal(size=(2, 1)).astype(np.float32), np.array([0.5], dtype=np.float32))


NO_HIDDEN_MISTAKES = [
    Mistake("The bias is missing: p = sigmoid(X @ W + b).", variant=lambda X, W, b: _sig(X @ W), name="missing_bias"),
    Mistake("The output activation is missing: apply the sigmoid to X @ W + b to get a probability.",
            variant=lambda X, W, b: X @ W + b, name="missing_output_activation"),
    Mistake("That is tanh, not the sigmoid, applied to X @ W + b.",
            variant=lambda X, W, b: np.tanh(X @ W + b), name="tanh_for_sigmoid"),
    Mistake("That is ReLU, not the sigmoid, applied to X @ W + b.",
            variant=lambda X, W, b: np.maximum(0, X @ W + b), name="relu_for_sigmoid"),
    Mistake("Check the sign in the exponent: sigmoid(z) = 1 / (1 + exp(-z)).",
            variant=lambda X, W, b: 1 / (1 + np.exp(X @ W + b)), name="exponent_sign"),
    Mistake("The shapes do not fit in that order: X is (n, 2) and W is (2, 1), so compute "
            "X @ W (not W @ X, and W not transposed).", raised="ValueError", message="mismatch",
            name="product_order"),
    Mistake("The shapes do not fit in that order: X is (n, 2) and W is (2, 1), so compute "
            "np.dot(X, W) (not np.dot(W, X)).", raised="ValueError", message="not aligned", name="product_order"),
]

CHECKS = [
    Check("sigmoid_values", target="sigmoid", points=2,
          about="sigmoid(z) = 1 / (1 + exp(-z)) for a number and elementwise for an array",
          cases=[Case(np.array([-2.0, -1.0, 0.0, 1.0, 2.0])), Case(0.0)],
          mistakes=SIGMOID_MISTAKES,
          hint="The sigmoid maps 0 to 0.5, large positive z towards 1 and large negative z towards 0."),
    Check("sigmoid_extremes", target="sigmoid", points=1,
          about="sigmoid stays finite at z = -1000 and z = 1000",
          cases=[Case(np.array([-1000.0, 1000.0]))],
          mistakes=SIGMOID_MISTAKES,
          hint="exp(1000) overflows to inf; write the sigmoid as 1 / (1 + exp(-z)) "
               "(or use scipy.special.expit) so that inf only ever appears in a denominator."),
    Check("sigmoid_random", target="sigmoid", points=2, hidden=True,
          about="sigmoid on scalars, integers, float32 and arrays of several shapes",
          cases=_sigmoid_hidden_cases, mistakes=SIGMOID_MISTAKES),
    Check("predict_no_hidden_values", target="predict_no_hidden", points=2,
          about="predict_no_hidden(X, W, b) = sigmoid(X @ W + b) with shape (n, 1)",
          cases=[Case(np.array([[0.5, -1.0], [2.0, 1.5], [-1.0, 0.0]]),
                      np.array([[0.5], [-0.25]]), np.array([0.1]))],
          mistakes=NO_HIDDEN_MISTAKES),
    Check("predict_no_hidden_random", target="predict_no_hidden", points=2, hidden=True,
          about="predict_no_hidden on batches of 1 to 5000 rows, integer and float32 inputs",
          cases=_predict_hidden_cases, mistakes=NO_HIDDEN_MISTAKES),
    Check("p_fake_is_probability", target="p_fake", points=1, kind="value", bounds=(0.0, 1.0),
          about="p_fake is a probability: a number between 0 and 1 (its value is checked when graded)",
          hint="A probability from the sigmoid lies between 0 and 1."),
    Check("p_fake_value", target="p_fake", points=2, kind="value", hidden=True,
          about="p_fake: the probability that the banknote x1 = 1, x2 = 2.2 is forged",
          tolerance=Tolerance(rtol=0.0, atol=0.005),
          mistakes=[
              Mistake("Check the sign in the exponent: p = 1 / (1 + exp(-z)).",
                      variant=lambda: float(_sig(-(0.3 * 1 + 0.1 * 2.2 + 1.0))), name="exponent_sign"),
              Mistake("The bias b = 1.0 belongs in z = w1*x1 + w2*x2 + b.",
                      variant=lambda: float(_sig(0.3 * 1 + 0.1 * 2.2)), name="missing_bias"),
              Mistake("That is z itself: apply the sigmoid to get a probability.",
                      variant=lambda: 0.3 * 1 + 0.1 * 2.2 + 1.0, name="sigmoid_not_applied"),
              Mistake("w1 multiplies x1 and w2 multiplies x2.",
                      variant=lambda: float(_sig(0.1 * 1 + 0.3 * 2.2 + 1.0)), name="weights_swapped"),
          ],
          hint="Compute z = w1*x1 + w2*x2 + b first, then p = 1 / (1 + exp(-z))."),
]
