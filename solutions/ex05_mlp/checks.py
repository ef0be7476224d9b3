"""Checks for ex05_mlp: a fully connected network on MNIST digits, graded by what it learned.

Marks are set below the reference solution's worst measured seed, with a
margin for other machines (CPU or GPU). The measurements are written next to
each mark and come from ``benchmarks/keras_grading.py`` (docs/keras-grading.md).
"""

from autograder.keras_hints import KERAS1_MISTAKES
from autograder.spec import Architecture, Learning, LearningCheck, Marks, ModelCheck, Training

FULLY_CONNECTED = Architecture(
    required={"Dense layer": ("Dense",)},
    allowed=("Dense", "Dropout", "BatchNormalization", "Activation", "Flatten", "Reshape", "InputLayer"),
    hints={"Conv2D": "This exercise asks for a fully connected network (Dense layers, with Dropout, "
                     "BatchNormalization, Activation); convolutions are for ex06_cnn.",
           "LSTM": "This exercise asks for a fully connected network of Dense layers; LSTMs are for text."},
    missing_hint="Build the network from Dense layers (Dropout, BatchNormalization and Activation allowed).",
    outputs=10, output_activation="softmax", max_params=4_000_000)

# The learning check (docs/keras-grading.md), measured by benchmarks/keras_grading.py: the gap sits
# well above the reference's largest, min_accuracy well below its worst relabelled accuracy.
LEARNING = Learning(max_gap=0.05, min_accuracy=0.50,
                    measured=("reference relabelled accuracy 0.932-0.936 on the held-out digits; "
                              "gap -0.002 / +0.005 / -0.004 (real labels less relabelled) over seeds 0, 1, 2"))

MLP = Training(
    "train_mlp", epochs=15, task="mnist_flat", architecture=FULLY_CONNECTED,
    budget=60.0,  # reference: 5.7-6.1 s of training on 2 CPU cores (docs/keras-grading.md), well under a third
    reference="the reference trains in about 6 s on 2 CPU cores",
    learning=LEARNING,
    mistakes=KERAS1_MISTAKES)

CHECKS = [
    ModelCheck("mlp_architecture", MLP, points=2,
               about="a fully connected network with a 10-way softmax output"),
    # reference, seeds 0/1/2: validation accuracy 0.942 / 0.930 / 0.942
    ModelCheck("mlp_validation_accuracy", MLP, points=3, split="validation",
               marks=Marks(pass_at=0.90, zero_at=0.70,
                           measured="reference validation accuracy 0.930-0.942 over seeds 0, 1, 2"),
               about="accuracy on the validation digits"),
    # reference, seeds 0/1/2: held-out accuracy 0.933 / 0.937 / 0.932
    ModelCheck("mlp_test_accuracy", MLP, points=4, split="test", hidden=True,
               marks=Marks(pass_at=0.90, zero_at=0.70,
                           measured="reference held-out accuracy 0.932-0.937 over seeds 0, 1, 2"),
               about="accuracy on 1000 held-out digits"),
    LearningCheck("mlp_learns_from_its_data", MLP, points=1),
]
