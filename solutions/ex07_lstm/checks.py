"""Checks for ex07_lstm: an LSTM that reads movie reviews, graded by what it learned.

Marks are set below the reference solution's worst measured seed, with a
margin; measurements from ``benchmarks/keras_grading.py`` (docs/keras-grading.md).
"""

from autograder.keras_hints import KERAS1_MISTAKES
from autograder.spec import Architecture, Learning, LearningCheck, Marks, Mistake, ModelCheck, Training

RECURRENT_HINT = ("This exercise asks for an LSTM: {} is a different recurrent layer. Use "
                  "layers.LSTM(32) (or layers.Bidirectional(layers.LSTM(32))).")

LSTM_NETWORK = Architecture(
    required={"LSTM layer": ("LSTM",)},
    hints={"GRU": RECURRENT_HINT.format("GRU"), "SimpleRNN": RECURRENT_HINT.format("SimpleRNN")},
    missing_hint="Read the review with an LSTM: layers.Embedding(NUM_WORDS, 32), layers.LSTM(32), "
                 "layers.Dense(1, activation='sigmoid').",
    outputs=1, output_activation="sigmoid", max_params=4_000_000)

# The learning check (docs/keras-grading.md), measured by benchmarks/keras_grading.py: the gap sits
# well above the reference's largest, min_accuracy well below its worst relabelled accuracy.
LEARNING = Learning(max_gap=0.08, min_accuracy=0.65,
                    measured=("reference relabelled accuracy 0.817-0.842 on the held-out reviews; "
                              "gap +0.007 / -0.026 / -0.023 (real labels less relabelled) over seeds 0, 1, 2"))

LSTM = Training(
    "train_lstm", epochs=4, task="movie_reviews", architecture=LSTM_NETWORK,
    budget=120.0,  # reference: 15-20 s of training on 2 CPU cores (docs/keras-grading.md), under a third
    reference="the reference trains in about 20 s on 2 CPU cores",
    learning=LEARNING,
    mistakes=KERAS1_MISTAKES + (
        Mistake("A word index is as large as the Embedding's input_dim: use "
                "layers.Embedding(NUM_WORDS, ...), since indices go up to NUM_WORDS - 1.",
                raised="InvalidArgumentError", message="indices", name="embedding_too_small"),))

CHECKS = [
    ModelCheck("lstm_architecture", LSTM, points=2,
               about="an LSTM layer with one sigmoid output, P(positive review)"),
    # reference, seeds 0/1/2: validation accuracy 0.837 / 0.811 / 0.823 (2026-12-01)
    ModelCheck("lstm_validation_accuracy", LSTM, points=3, split="validation",
               marks=Marks(pass_at=0.78, zero_at=0.60,
                           measured="reference validation accuracy 0.811-0.837 over seeds 0, 1, 2"),
               about="accuracy on the validation reviews"),
    # reference, seeds 0/1/2: held-out accuracy 0.824 / 0.808 / 0.819 (2026-12-01)
    ModelCheck("lstm_test_accuracy", LSTM, points=4, split="test", hidden=True,
               marks=Marks(pass_at=0.78, zero_at=0.60,
                           measured="reference held-out accuracy 0.808-0.824 over seeds 0, 1, 2"),
               about="accuracy on 2000 held-out reviews"),
    LearningCheck("lstm_learns_from_its_data", LSTM, points=1),
]
