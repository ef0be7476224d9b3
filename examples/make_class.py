"""Build the example class in examples/class/ from the release and the solutions.

Three students, one notebook per exercise, in nbgrader's submitted layout
(class/<student>/<exercise>/<exercise>.ipynb):

* ada  fills in every answer correctly (the reference solutions);
* ben  fills in every answer, with a few typical mistakes;
* cleo hands in the release untouched.

Run it again after changing the exercises: ``python examples/make_class.py``.
"""

from pathlib import Path

from autograder.course import Course
from autograder.release.fill import fill_notebook, write_notebook

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "examples" / "class"

# Ben's answers, by nbgrader grade_id; his other answers are right.
BEN = {
    "ex01_sigmoid": {
        "predict-no-hidden": "def predict_no_hidden(X, W, b):\n    return sigmoid(X @ W)  # forgot the bias\n",
        "p-fake": "p_fake = 1 / (1 + np.exp(1.52))  # sign of z\n",
    },
    "ex02_forward_pass": {
        "predict-two-hidden": (
            "def predict_two_hidden(X, W1, b1, W2, b2, W3, b3):\n"
            "    hidden1 = sigmoid(X @ W1 + b1)\n"
            "    hidden2 = hidden1 @ W2 + b2  # no activation\n"
            "    return sigmoid(hidden2 @ W3 + b3)\n"),
    },
    "ex03_decision_boundary": {
        "decision-boundary": "def decision_boundary(b0, b1, b2):\n    return (-b1 / b2, -b0 / b2)\n",
        "predict-class": (
            "def predict_class(X, b0, b1, b2):\n"
            "    return (b0 + b1 * X[:, 0] + b2 * X[:, 1] >= 0.5).astype(int)\n"),
    },
    "ex04_nll": {
        "nll-binary": (
            "def nll_binary(y, p):\n"
            "    p = np.clip(p, EPSILON, 1 - EPSILON)\n"
            "    return -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))\n"),
    },
}


def main() -> None:
    course = Course(ROOT)
    for name in course.exercise_names:
        ex = course.exercise(name)
        notebooks = {
            "ada": fill_notebook(ex.student_notebook, ex.solution_notebook),
            "ben": fill_notebook(ex.student_notebook, ex.solution_notebook, BEN.get(name, {})),
            "cleo": fill_notebook(ex.student_notebook),
        }
        for student, nb in notebooks.items():
            write_notebook(nb, OUT / student / name / f"{name}.ipynb")
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
