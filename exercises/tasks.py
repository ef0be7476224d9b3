"""The data tasks of this course: what its model exercises train on.

Each ``Training`` in ``solutions/<exercise>/checks.py`` names one of these. The
grader loads them (the held-out split only on its own side); a student's
self-check needs them for the validation split, so they are released with the
exercises. Hints about losses, outputs and labels are worded from these
declarations (see ``autograder.tasks.Task``).
"""

from deepgrade_datasets import load_mnist, load_movie_reviews

from autograder.tasks import PIXEL_RESCALINGS, Task, from_splits, only_classes

DIGIT_IMAGES = from_splits(load_mnist, shape=(28, 28, 1))

TASKS = [
    Task(name="mnist_flat", load=from_splits(load_mnist, shape=(784,)), classes=10, noun="digit",
         describe="digits flattened to (n, 784) float32 in [0, 1]", rescalings=PIXEL_RESCALINGS),
    Task(name="mnist_images", load=DIGIT_IMAGES, classes=10, noun="digit",
         describe="digits as (n, 28, 28, 1) float32 images in [0, 1]", rescalings=PIXEL_RESCALINGS),
    Task(name="movie_reviews", load=from_splits(load_movie_reviews, x_dtype="int32"), classes=2,
         labels="binary", noun="review", positive="a positive review", class_names=("negative", "positive"),
         describe="reviews as (n, 150) int32 word indices, labels 0/1"),
    # Transfer learning (slides: "get a pre-trained model, cut some layers off, and train your
    # own"): a network learns digits 0-4 on all their examples; another task has only a few
    # hundred training examples of digits 5-9, relabelled 0-4 in that order.
    Task(name="digits_0_to_4", load=only_classes(DIGIT_IMAGES, range(5)), classes=5, noun="digit",
         describe="digits 0-4 as (n, 28, 28, 1) float32 images in [0, 1]", rescalings=PIXEL_RESCALINGS),
    Task(name="digits_5_to_9_few", load=only_classes(DIGIT_IMAGES, range(5, 10), limit={"train": 300}), classes=5,
         noun="digit", describe="300 training digits 5-9 as (n, 28, 28, 1) float32 images, labels 0-4 for 5-9",
         rescalings=PIXEL_RESCALINGS, class_names=("5", "6", "7", "8", "9")),
]
