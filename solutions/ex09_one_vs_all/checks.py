"""Checks for ex09_one_vs_all: ten binary classifiers ("digit k or not k") that vote.

The slides' "Keras Demo": training, ten binary classifiers, each answering "is it
a k?"; testing, each classifier votes and the most confident one wins. The
student writes ``train_one_vs_all`` (a list of ten trained Keras models, model k
with one sigmoid output, P(digit is k)) and ``vote`` (the class of the most
confident classifier for each row of confidences).

The grader stacks the ten models' outputs side by side and votes by argmax
itself (``Training(members=10)``, autograder/kinds/ensembles.py): the student's
``vote`` is graded on its own, by value. Marks sit below the reference
solution's worst measured seed, with a margin for other machines (CPU or GPU);
the measurements are written next to each mark and come from
``benchmarks/keras_grading.py`` and the per-check figures of the same gradings
(docs/keras-grading.md, section ex09_one_vs_all).
"""

import numpy as np

from autograder.keras_hints import KERAS1_MISTAKES
from autograder.spec import (
    Architecture,
    Case,
    Check,
    Learning,
    LearningCheck,
    Marks,
    Mistake,
    ModelCheck,
    Tolerance,
    Training,
)

# -- train_one_vs_all: ten binary classifiers -------------------------------------------------

#: What each of the ten classifiers must look like (every member is judged against it).
BINARY_CLASSIFIER = Architecture(
    required={"Dense layer": ("Dense",)},
    allowed=("Dense", "Dropout", "BatchNormalization", "Activation", "Flatten", "Reshape", "InputLayer"),
    hints={"Conv2D": "Each classifier here is a small fully connected network (Dense layers); "
                     "convolutions are for ex06_cnn.",
           "LSTM": "Each classifier here is a small fully connected network of Dense layers; LSTMs are for text.",
           "Lambda": "Each classifier is its own network ending with Dense(1, activation='sigmoid'), trained on "
                     "the labels (y == k): not a slice of one multi-class network's output."},
    missing_hint="Build each classifier from Dense layers (Dropout, BatchNormalization and Activation allowed), "
                 "ending with Dense(1, activation='sigmoid').",
    outputs=1, output_activation="sigmoid",
    max_params=1_000_000)  # per classifier; the reference's have 50,305 each

# The learning check (docs/keras-grading.md): trained again on the same inputs with the ten classes
# relabelled, each classifier k learns "new class k or not"; the vote must follow. The relabelling is
# drawn from this file's bytes, so each edit of it draws another: an earlier draw measured 0.882-0.887,
# gaps -0.005 / +0.005 / +0.001. The gap sits well above the largest, min_accuracy well below the worst.
LEARNING = Learning(max_gap=0.05, min_accuracy=0.50,
                    measured=("reference relabelled accuracy 0.875-0.887 on the held-out digits; "
                              "gap +0.007 / +0.005 / -0.002 (real labels less relabelled) over seeds 0, 1, 2"))

ONE_VS_ALL = Training(
    "train_one_vs_all", epochs=5, task="mnist_flat", architecture=BINARY_CLASSIFIER, members=10,
    # reference: 31.0 / 31.7 / 27.0 s (an earlier run: 22.9 / 23.7 / 31.5 s) for the ten classifiers over
    # seeds 0, 1, 2, on 2 CPU cores shared with other work (load 3-6; docs/keras-grading.md): the budget is
    # more than three times the slowest
    budget=120.0,
    reference="the reference trains its ten classifiers in 23-32 s on 2 busy CPU cores",
    learning=LEARNING,
    mistakes=KERAS1_MISTAKES)

# -- vote: the most confident classifier wins -------------------------------------------------


def _vote_cases():
    """Public: a few rows a student can work out by hand, a tie included."""
    c = np.full((4, 10), 0.01)
    c[0, 3] = 0.97                      # one classifier says yes
    c[1, [2, 7]] = [0.40, 0.55]         # two say maybe: the more confident wins
    c[2, :] = [0.2, 0.1, 0.3, 0.05, 0.1, 0.02, 0.6, 0.4, 0.1, 0.3]  # every one says no: still the most confident
    c[3, [4, 8]] = 0.8                  # a tie: the lower class, as np.argmax
    yield Case(c, shows="vote(<4 rows of 10 confidences: one yes; two maybes; all no; a tie of 4 and 8>)")


def _vote_hidden_cases():
    rng = np.random.default_rng(909)
    yield Case(rng.random((500, 10)))
    yield Case(rng.random((10, 10)))                             # square: axis=0 gives the same shape
    yield Case(rng.random((1, 10)).astype(np.float32))           # a single row, float32
    yield Case(np.round(rng.random((200, 10)), 1))               # many ties: the lowest class wins
    yield Case(np.eye(10)[rng.integers(0, 10, size=50)])         # one-hot rows
    yield Case(np.full((3, 10), 0.5))                            # all tied: class 0


def _lowest_last(c):
    """Ties broken towards the higher class."""
    c = np.asarray(c)
    return c.shape[1] - 1 - np.argmax(c[:, ::-1], axis=1)


VOTE_MISTAKES = [
    Mistake("That is the least confident classifier (argmin): the vote goes to the classifier most sure the "
            "digit is its class, np.argmax(confidences, axis=1).",
            variant=lambda c: np.argmin(np.asarray(c), axis=1), name="argmin_for_argmax"),
    Mistake("That looks down the columns (axis=0): each row is one digit's ten confidences, so take the argmax "
            "across each row, np.argmax(confidences, axis=1), one class per row.",
            variant=lambda c: np.argmax(np.asarray(c), axis=0), name="argmax_axis_0"),
    Mistake("Without axis, np.argmax gives one index into the flattened array: use "
            "np.argmax(confidences, axis=1), one class per row.",
            variant=lambda c: np.argmax(np.asarray(c)), name="argmax_flattened"),
    Mistake("Those are the highest confidences themselves (max): the vote is the class, the column where the "
            "maximum sits, np.argmax(confidences, axis=1).",
            variant=lambda c: np.max(np.asarray(c), axis=1), name="max_for_argmax"),
    Mistake("The classes are 0-9, the column indices themselves: do not add 1.",
            variant=lambda c: np.argmax(np.asarray(c), axis=1) + 1, name="classes_plus_one"),
    Mistake("On a tie the vote goes to the lowest class (as np.argmax does), not the highest.",
            variant=_lowest_last, name="tie_to_highest"),
]

VOTE_HINT = ("For each row (one digit, the ten classifiers' confidences), the vote is the column of the "
             "highest confidence: np.argmax(confidences, axis=1), integers 0-9.")

CHECKS = [
    ModelCheck("ova_architecture", ONE_VS_ALL, points=2,
               about="ten fully connected binary classifiers, each with one sigmoid output"),
    # reference, seeds 0/1/2: vote validation accuracy 0.878 / 0.876 / 0.880
    ModelCheck("ova_validation_accuracy", ONE_VS_ALL, points=2, split="validation",
               marks=Marks(pass_at=0.85, zero_at=0.65,
                           measured="reference vote validation accuracy 0.876-0.880 over seeds 0, 1, 2"),
               about="the ten classifiers' vote on the validation digits"),
    # reference, seeds 0/1/2: vote held-out accuracy 0.882 / 0.887 / 0.885
    ModelCheck("ova_test_accuracy", ONE_VS_ALL, points=2, split="test", hidden=True,
               marks=Marks(pass_at=0.85, zero_at=0.65,
                           measured="reference vote held-out accuracy 0.882-0.887 over seeds 0, 1, 2"),
               about="the ten classifiers' vote on 1000 held-out digits"),
    # reference, seeds 0/1/2: the weakest classifier's own held-out accuracy 0.948 / 0.942 / 0.950 (each
    # time "8 or not 8"; the ten: 0.942-0.992). Always answering "not k" already scores 0.90 (one digit in
    # ten is a k): no points there.
    ModelCheck("ova_weakest_classifier", ONE_VS_ALL, points=1, split="test", hidden=True, per_member=True,
               marks=Marks(pass_at=0.92, zero_at=0.90,
                           measured="reference weakest classifier's held-out accuracy 0.942-0.950 "
                                    "over seeds 0, 1, 2"),
               about="every classifier tells its digit from the nine others on 1000 held-out digits"),
    LearningCheck("ova_learns_from_its_data", ONE_VS_ALL, points=1),
    Check("vote_values", target="vote", points=2,
          about="vote(confidences): the most confident classifier's class for each row (ties: the lowest)",
          cases=_vote_cases, tolerance=Tolerance(exact=True), mistakes=VOTE_MISTAKES, hint=VOTE_HINT),
    Check("vote_random", target="vote", points=2, hidden=True,
          about="vote on 1 to 500 rows, float32, ties, one-hot rows",
          cases=_vote_hidden_cases, tolerance=Tolerance(exact=True), mistakes=VOTE_MISTAKES, hint=VOTE_HINT),
]
