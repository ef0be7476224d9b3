"""Checks for ex03_decision_boundary: the line where a logistic model says p = 0.5."""

import numpy as np

from autograder.spec import Case, Check, Mistake, Tolerance

BOUNDARY_MISTAKES = [
    Mistake("Intercept and slope are swapped: return (intercept, slope), where "
            "x2 = intercept + slope * x1.", variant=lambda b0, b1, b2: (-b1 / b2, -b0 / b2),
            name="intercept_slope_swapped"),
    Mistake("The signs are wrong: on the boundary 0 = b0 + b1*x1 + b2*x2, so "
            "x2 = -b0/b2 - (b1/b2) * x1.", variant=lambda b0, b1, b2: (b0 / b2, b1 / b2), name="signs_wrong"),
    Mistake("The slope's sign is wrong: x2 = -b0/b2 - (b1/b2) * x1.",
            variant=lambda b0, b1, b2: (-b0 / b2, b1 / b2), name="slope_sign"),
    Mistake("The intercept's sign is wrong: x2 = -b0/b2 - (b1/b2) * x1.",
            variant=lambda b0, b1, b2: (b0 / b2, -b1 / b2), name="intercept_sign"),
    Mistake("Solve for x2, so divide by b2 (the coefficient of x2), not by b1.",
            variant=lambda b0, b1, b2: (-b0 / b1, -b2 / b1), name="divided_by_b1"),
    Mistake("On the boundary p = 0.5, so the log-odds ln(p / (1 - p)) are 0, not 0.5.",
            variant=lambda b0, b1, b2: ((0.5 - b0) / b2, -b1 / b2), name="log_odds_half"),
]

CLASS_MISTAKES = [
    Mistake("p >= 0.5 means log-odds >= 0: compare b0 + b1*x1 + b2*x2 with 0, not with 0.5.",
            variant=lambda X, b0, b1, b2: (b0 + b1 * X[:, 0] + b2 * X[:, 1] >= 0.5).astype(int),
            name="log_odds_half"),
    Mistake("The labels are the wrong way round: class 1 is where p >= 0.5.",
            variant=lambda X, b0, b1, b2: (b0 + b1 * X[:, 0] + b2 * X[:, 1] < 0).astype(int), name="labels_reversed"),
    Mistake("A point exactly on the boundary has p = 0.5 and belongs to class 1: use >=, not >.",
            variant=lambda X, b0, b1, b2: (b0 + b1 * X[:, 0] + b2 * X[:, 1] > 0).astype(int),
            name="strict_threshold"),
    Mistake("Return labels 0 or 1, not the probabilities: threshold p at 0.5.",
            variant=lambda X, b0, b1, b2: 1 / (1 + np.exp(-(b0 + b1 * X[:, 0] + b2 * X[:, 1]))),
            name="probabilities_for_labels"),
]


def _boundary_random():
    rng = np.random.default_rng(31)
    for _ in range(20):
        b0, b1 = rng.normal(0, 3, size=2)
        b2 = rng.choice([-1, 1]) * rng.uniform(0.1, 5)
        yield Case(float(b0), float(b1), float(b2))
    yield Case(3, -6, 2)
    yield Case(np.float32(0.5), np.float32(1.5), np.float32(-0.25))
    yield Case(0.0, 0.0, 1.0)


def _class_random():
    rng = np.random.default_rng(32)
    for n in (1, 17, 4000):
        X = rng.normal(0, 3, size=(n, 2))
        yield Case(X, *(float(v) for v in rng.normal(0, 2, size=3)))
    grid = np.array([[x1, x2] for x1 in range(-3, 4) for x2 in range(-3, 4)])
    yield Case(grid, 0.5, 1, 0.25)  # log-odds 0 and 0.25 on the grid: >= 0.5 and > 0 differ
    yield Case(grid, 1, 2, 0.5)
    yield Case(rng.normal(size=(30, 2)).astype(np.float32), 0.5, -1.0, 2.0)
    yield Case(grid, 1, 2, 0)


CHECKS = [
    Check("decision_boundary_course", target="decision_boundary", points=2,
          about="decision_boundary(b0, b1, b2) returns (intercept, slope) of x2 = intercept + slope * x1",
          cases=[Case(1, 2, 0.5), Case(0.5, -1.0, 2.0)], mistakes=BOUNDARY_MISTAKES, draws="decision_boundary",
          hint="Set ln(p / (1 - p)) = 0 (that is p = 0.5) and solve b0 + b1*x1 + b2*x2 = 0 for x2."),
    Check("decision_boundary_vertical", target="decision_boundary", points=1,
          about="decision_boundary raises ValueError when b2 == 0 (the boundary is vertical)",
          cases=[Case(1.0, 2.0, 0.0, raises="ValueError")],
          mistakes=[Mistake("Dividing by b2 = 0 fails. Test `if b2 == 0:` first and "
                            "`raise ValueError(...)` with a message saying the boundary is vertical.",
                            raised="ZeroDivisionError", name="no_zero_b2_check")],
          hint="With b2 == 0 the line x2 = intercept + slope * x1 does not exist: "
               "`raise ValueError(...)` instead of returning inf or nan."),
    Check("decision_boundary_random", target="decision_boundary", points=2, hidden=True,
          about="decision_boundary for many coefficients, integers and float32",
          cases=_boundary_random, mistakes=BOUNDARY_MISTAKES),
    Check("decision_boundary_vertical_hidden", target="decision_boundary", points=1, hidden=True,
          about="decision_boundary raises ValueError for b2 == 0 given as an integer or float32",
          cases=[Case(0, 1, 0, raises="ValueError"),
                 Case(np.float32(2), np.float32(-1), np.float32(0), raises="ValueError")],
          mistakes=[Mistake("Test `if b2 == 0:` and raise ValueError before dividing.",
                            raised="ZeroDivisionError", name="no_zero_b2_check")],
          hint="Test `if b2 == 0:` before dividing and `raise ValueError(...)`: NumPy numbers such as "
               "np.float32(0) divide to inf or nan without raising ZeroDivisionError."),
    Check("predict_class_course", target="predict_class", points=2,
          about="predict_class(X, b0, b1, b2) gives label 1 where p >= 0.5 and 0 elsewhere, shape (n,)",
          cases=[Case(np.array([[0.0, 0.0], [-1.0, 0.0], [-0.5, 0.0], [-0.5, 1.0], [2.0, -10.0],
                                [-0.6, 0.0], [-0.4, 0.0]]), 1, 2, 0.5)],
          tolerance=Tolerance(exact=True, squeeze=True), mistakes=CLASS_MISTAKES,
          hint="label = 1 where b0 + b1*x1 + b2*x2 >= 0 (then p >= 0.5), else 0."),
    Check("predict_class_random", target="predict_class", points=2, hidden=True,
          about="predict_class on 1 to 4000 points, float32, and a model with b2 == 0",
          cases=_class_random, tolerance=Tolerance(exact=True, squeeze=True), mistakes=CLASS_MISTAKES,
          hint="label = 1 where b0 + b1*x1 + b2*x2 >= 0, else 0; this needs no division, "
               "so it works when b2 == 0 too."),
]
