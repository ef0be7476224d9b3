"""Checks for ex04_nll: the negative log-likelihood, the loss Keras minimises."""

import numpy as np

from autograder.spec import Case, Check, Mistake, Tolerance

EPS = 1e-7


def _clip(p):
    return np.clip(np.asarray(p, dtype=np.float64), EPS, 1 - EPS)


def _ll_terms(y, p):
    p = _clip(p)
    y = np.asarray(y, dtype=np.float64)
    return y * np.log(p) + (1 - y) * np.log(1 - p)


BINARY_MISTAKES = [
    Mistake("That is the sum over the examples; the NLL is the mean: divide by n (np.mean).",
            variant=lambda y, p: -np.sum(_ll_terms(y, p)), name="sum_for_mean"),
    Mistake("The loss is the *negative* log-likelihood: put a minus sign in front of the mean.",
            variant=lambda y, p: np.mean(_ll_terms(y, p)), name="missing_minus"),
    Mistake("Use the natural log (np.log), not np.log10.",
            variant=lambda y, p: -np.mean(_ll_terms(y, p)) / np.log(10), name="log10_for_log"),
    Mistake("The (1 - y) * log(1 - p) term is missing: examples with y = 0 count too.",
            variant=lambda y, p: -np.mean(np.asarray(y) * np.log(_clip(p))), name="missing_negative_term"),
    Mistake("A product of thousands of probabilities underflows to 0 and its log is -inf: "
            "take the mean of the logs instead.",
            variant=lambda y, p: -np.log(np.prod(np.where(np.asarray(y) == 1, _clip(p), 1 - _clip(p))))
            / len(y), name="product_underflows"),
    Mistake("Keras clips p to [1e-7, 1 - 1e-7]; that answer used a different epsilon.",
            variant=lambda y, p: -np.mean(np.asarray(y) * np.log(np.clip(p, 1e-15, 1 - 1e-15))
                                          + (1 - np.asarray(y)) * np.log(np.clip(1 - np.asarray(p), 1e-15, 1))),
                                          name="other_epsilon"),
]

CATEGORICAL_MISTAKES = [
    Mistake("That is the sum over the examples; the NLL is the mean.",
            variant=lambda y, P: -np.sum(np.log(_clip(P)[np.arange(len(y)), y])), name="sum_for_mean"),
    Mistake("The loss is the *negative* log-likelihood: put a minus sign in front of the mean.",
            variant=lambda y, P: np.mean(np.log(_clip(P)[np.arange(len(y)), y])), name="missing_minus"),
    Mistake("Use the natural log (np.log), not np.log10.",
            variant=lambda y, P: -np.mean(np.log10(_clip(P)[np.arange(len(y)), y])), name="log10_for_log"),
    Mistake("P[:, y] picks whole columns (an n x n matrix); take one probability per row: "
            "P[np.arange(n), y].", variant=lambda y, P: -np.mean(np.log(_clip(P)[:, y])), name="whole_columns"),
    Mistake("Take only the probability of each example's true class, not all log-probabilities.",
            variant=lambda y, P: -np.mean(np.log(_clip(P))), name="all_log_probabilities"),
]

NONFINITE_HINT = ("log(0) is -inf: clip p to [1e-7, 1 - 1e-7] with np.clip before the log, "
                  "as Keras does.")


def _binary_random():
    rng = np.random.default_rng(41)
    for n in (1, 25, 3000):
        y = rng.integers(0, 2, size=n)
        yield Case(y, rng.uniform(0.01, 0.99, size=n))
    y = rng.integers(0, 2, size=50)
    yield Case(y.astype(np.float32), rng.uniform(size=50).astype(np.float32))
    yield Case(np.array([1, 0, 1, 0]), np.array([1.0, 0.0, 0.0, 1.0]))


def _binary_many():
    rng = np.random.default_rng(42)
    y = rng.integers(0, 2, size=5000)
    p = np.where(y == 1, rng.uniform(0.5, 0.9, 5000), rng.uniform(0.1, 0.5, 5000))
    yield Case(y, p, shows="nll_binary(5000 labels, 5000 probabilities)")


def _categorical_random():
    rng = np.random.default_rng(43)
    for n, k in ((1, 10), (30, 3), (4000, 10), (8, 2)):
        logits = rng.normal(size=(n, k))
        P = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        yield Case(rng.integers(0, k, size=n), P)
    yield Case(np.array([0, 1, 2]), np.eye(3)[[1, 1, 0]])
    yield Case(np.array([3, 1]), np.full((2, 10), 0.1, dtype=np.float32))


CHECKS = [
    Check("nll_binary_values", target="nll_binary", points=2,
          about="nll_binary(y, p): the mean negative log-likelihood of 0/1 labels",
          cases=[Case(np.array([1]), np.array([0.9])),
                 Case(np.array([1, 0, 1, 1, 0]), np.array([0.9, 0.2, 0.6, 0.99, 0.3]))],
          mistakes=BINARY_MISTAKES,
          hint="NLL = -mean(y * log(p) + (1 - y) * log(1 - p))."),
    Check("nll_binary_clipping", target="nll_binary", points=1,
          about="nll_binary clips p to [1e-7, 1 - 1e-7] like Keras, so p = 0 or 1 gives a finite loss",
          cases=[Case(np.array([1, 0]), np.array([0.0, 1.0])), Case(np.array([1, 0]), np.array([1.0, 0.0]))],
          tolerance=Tolerance(rtol=0.02, atol=1e-6), mistakes=BINARY_MISTAKES, hint=NONFINITE_HINT),
    Check("nll_binary_random", target="nll_binary", points=2, hidden=True,
          about="nll_binary on 1 to 3000 examples, float32, and probabilities of exactly 0 and 1",
          cases=_binary_random, tolerance=Tolerance(rtol=0.02, atol=1e-6), mistakes=BINARY_MISTAKES,
          hint=NONFINITE_HINT),
    Check("nll_binary_many", target="nll_binary", points=1, hidden=True,
          about="nll_binary on 5000 examples stays finite (sum logs, never multiply probabilities)",
          cases=_binary_many, mistakes=BINARY_MISTAKES,
          hint="A product of thousands of probabilities underflows to 0 and its log is -inf: "
               "take the mean of the logs instead."),
    Check("nll_categorical_values", target="nll_categorical", points=2,
          about="nll_categorical(y, P): -mean(log P[i, y_i]); an untrained 10-class model gives -ln(0.1)",
          cases=[Case(np.array([0, 2, 2]), np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.25, 0.5, 0.25]])),
                 Case(np.array([3, 7, 0, 9]), np.full((4, 10), 0.1),
                      shows="nll_categorical(y of 4 labels, P uniform over 10 classes)")],
          mistakes=CATEGORICAL_MISTAKES,
          hint="Pick each example's probability of its true class, P[np.arange(n), y], "
               "then NLL = -mean(log of those)."),
    Check("nll_categorical_clipping", target="nll_categorical", points=1,
          about="nll_categorical clips probabilities like Keras, so P = 0 for the true class stays finite",
          cases=[Case(np.array([0, 1]), np.array([[0.0, 0.5, 0.5], [0.5, 0.0, 0.5]]))],
          tolerance=Tolerance(rtol=0.02, atol=1e-6), mistakes=CATEGORICAL_MISTAKES, hint=NONFINITE_HINT),
    Check("nll_categorical_random", target="nll_categorical", points=2, hidden=True,
          about="nll_categorical on 1 to 4000 examples with 2 to 10 classes, float32, zeros in P",
          cases=_categorical_random, tolerance=Tolerance(rtol=0.02, atol=1e-6),
          mistakes=CATEGORICAL_MISTAKES, hint=NONFINITE_HINT),
]
