"""Correct: abs(b2) guard and float() results; boolean labels True/False from the comparison."""


def decision_boundary(b0, b1, b2):
    if abs(b2) == 0:
        raise ValueError(f"b2 = {b2}: cannot solve for x2, the boundary is vertical")
    return float(-b0 / b2), float(-b1 / b2)


def predict_class(X, b0, b1, b2):
    return b0 + b1 * X[:, 0] + b2 * X[:, 1] >= 0
