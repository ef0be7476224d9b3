"""Data tasks declared by the course (exercises/tasks.py): loading, splits, and the hints
worded from the declaration rather than from the library."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from autograder.course import Course, CourseError
from autograder.tasks import Task, only_classes

ROOT = Path(__file__).resolve().parents[1]
COURSE = Course(ROOT)


def _toy() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    y = np.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9] * 3)
    x = np.arange(len(y), dtype=np.float32)[:, None]
    return {"train": (x, y), "validation": (x[:10], y[:10]), "test": (x[:10], y[:10])}


def test_only_classes_keeps_those_classes_relabelled_in_their_order_and_cuts_a_split():
    loaded = only_classes(_toy, [7, 5, 6], limit={"train": 4})()
    x, y = loaded["train"]
    assert y.tolist() == [1, 2, 0, 1]  # 5 -> 1, 6 -> 2, 7 -> 0: the order classes were given in
    assert x[:, 0].tolist() == [5, 6, 7, 15]
    assert sorted(loaded["test"][1].tolist()) == [0, 1, 2]


def test_the_course_declares_its_tasks_and_an_unknown_one_names_the_known():
    assert {"mnist_flat", "mnist_images", "movie_reviews", "digits_5_to_9_few"} <= set(COURSE.tasks)
    with pytest.raises(CourseError, match="known: mnist_flat"):
        COURSE.task("flowers")


def test_a_subset_task_loads_its_classes_relabelled_and_keeps_the_held_out_split_whole():
    few = COURSE.task("digits_5_to_9_few")
    x_train, y_train = few.split("train")
    x_test, y_test = few.split("test")
    _, all_labels = COURSE.task("mnist_images").split("test")
    assert x_train.shape == (300, 28, 28, 1) and x_train.dtype == np.float32
    assert set(np.unique(y_train)) == {0, 1, 2, 3, 4}
    assert len(y_test) == int(np.sum(all_labels >= 5))
    assert len(few.training_args()) == 4  # x_train, y_train, x_val, y_val


def test_hints_are_worded_from_the_declaration():
    digits, reviews = COURSE.task("mnist_flat"), COURSE.task("movie_reviews")
    flowers = Task(name="flowers", load=_toy, classes=3, noun="flower", describe="(n, 4) measurements")
    assert "10 classes" in digits.loss_hints()["binary_crossentropy"]
    assert "3 classes" in flowers.loss_hints()["binary_crossentropy"]
    assert "digit" not in " ".join(flowers.loss_hints().values())
    assert "Dense(3, activation='softmax')" in flowers.output_hint() and "flower" in flowers.output_hint()
    assert "a positive review" in reviews.output_hint()
    assert reviews.loss == "binary_crossentropy" and reviews.outputs == 1 and reviews.label_mistakes() == ()
    assert "(0-2)" in flowers.label_mistakes()[0].hint
    by_part = {m.message: m.hint for m in flowers.label_mistakes()}
    assert "outside 0-2, the range of the 3-unit output" in by_part["outside the valid range of [0, 3)"]
    assert by_part["is not in [0, 3)"] == by_part["outside the valid range of [0, 3)"]
    assert "to_categorical(y, 3)" in by_part["np_utils"] and "10" not in by_part["np_utils"]


@pytest.mark.parametrize("bad, message", [
    ({"labels": "binary", "classes": 3}, "binary labels mean classes=2"),
    ({"receives": ("train", "test")}, "never \\['test'\\]"),
])
def test_a_declaration_that_cannot_work_is_refused(bad, message):
    with pytest.raises(ValueError, match=message):
        Task(**{"name": "t", "load": _toy, "classes": 10, "describe": "d", **bad})


def test_relabelled_training_arguments_follow_the_relabelling():
    task = Task(name="toy", load=_toy, classes=10, describe="toy")
    relabel = [(c + 1) % 10 for c in range(10)]
    _, y, _, y_val = task.training_args(relabel)
    assert y.tolist()[:3] == [1, 2, 3] and y_val.tolist()[-1] == 0
