"""Checks for ex06_cnn: a convolutional network on MNIST digits, graded by what it learned.

Marks are set below the reference solution's worst measured seed, with a
margin; measurements from ``benchmarks/keras_grading.py`` (docs/keras-grading.md).
"""

from autograder.keras_hints import KERAS1_MISTAKES
from autograder.spec import Architecture, Learning, LearningCheck, Marks, ModelCheck, Training

POOLING = ("MaxPooling2D", "AveragePooling2D", "GlobalMaxPooling2D", "GlobalAveragePooling2D")

CONVOLUTIONAL = Architecture(
    required={"convolution layer (Conv2D)": ("Conv2D", "SeparableConv2D", "DepthwiseConv2D"),
              "pooling layer": POOLING},
    missing_hint="A CNN needs at least one convolution and one pooling layer, e.g. "
                 "layers.Conv2D(32, 3, activation='relu'), layers.MaxPooling2D(), before Flatten and Dense.",
    outputs=10, output_activation="softmax", max_params=4_000_000)

# The learning check (docs/keras-grading.md), measured by benchmarks/keras_grading.py: the gap sits
# well above the reference's largest, min_accuracy well below its worst relabelled accuracy.
LEARNING = Learning(max_gap=0.05, min_accuracy=0.50,
                    measured=("reference relabelled accuracy 0.961-0.970 on the held-out digits; "
                              "gap +0.000 / +0.007 / +0.000 (real labels less relabelled) over seeds 0, 1, 2"))

CNN = Training(
    "train_cnn", epochs=10, task="mnist_images", architecture=CONVOLUTIONAL,
    budget=90.0,  # reference: 19-21 s of training on 2 CPU cores (docs/keras-grading.md), under a third
    reference="the reference trains in about 20 s on 2 CPU cores",
    learning=LEARNING,
    mistakes=KERAS1_MISTAKES)

CHECKS = [
    ModelCheck("cnn_architecture", CNN, points=2,
               about="convolution and pooling layers with a 10-way softmax output"),
    # reference, seeds 0/1/2: validation accuracy 0.966 / 0.958 / 0.976 (2026-12-01)
    ModelCheck("cnn_validation_accuracy", CNN, points=3, split="validation",
               marks=Marks(pass_at=0.93, zero_at=0.75,
                           measured="reference validation accuracy 0.958-0.976 over seeds 0, 1, 2"),
               about="accuracy on the validation digits"),
    # reference, seeds 0/1/2: held-out accuracy 0.970 / 0.968 / 0.968 (2026-12-01)
    ModelCheck("cnn_test_accuracy", CNN, points=4, split="test", hidden=True,
               marks=Marks(pass_at=0.93, zero_at=0.75,
                           measured="reference held-out accuracy 0.968-0.970 over seeds 0, 1, 2"),
               about="accuracy on 1000 held-out digits"),
    LearningCheck("cnn_learns_from_its_data", CNN, points=1),
]
