"""The measured likeness of independent trainings, per model exercise (``trainings.json``).

Written by ``benchmarks/integrity_trainings.py``; read by the report to judge a
pair against chance. Nothing is trained at report time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .models import unpack_labels

TRAININGS_FILE = "autograder/integrity/trainings.json"
_PATH = Path(__file__).with_name("trainings.json")


@dataclass(frozen=True)
class TrainingBaseline:
    """One model exercise: the shared-error share between independent trainings, and the flag."""

    exercise: str
    task: str
    classes: int
    inputs: int
    trainings: int
    pairs: int
    mean: float
    highest: float
    threshold: float
    #: Per held-out input: in how many of the trainings it was wrong, and the usual wrong answer.
    error_counts: np.ndarray
    common_wrong_answer: np.ndarray

    def describe(self) -> str:
        return (f"{self.pairs} pairs of {self.trainings} independent trainings share {self.mean:.2f} of their "
                f"mistakes on average, at most {self.highest:.2f}; flagged from {self.threshold:.2f}")


@lru_cache(maxsize=4)
def training_baselines(path: Path = _PATH) -> dict[str, TrainingBaseline]:
    if not path.is_file():
        return {}
    data = json.loads(path.read_text())
    out = {}
    for name, m in data.get("exercises", {}).items():
        out[name] = TrainingBaseline(
            exercise=name, task=m["task"], classes=int(m["classes"]), inputs=int(m["inputs"]),
            trainings=len(m["trainings"]), pairs=len(m["pairs"]), mean=float(m["share"]["mean"]),
            highest=float(m["share"]["max"]), threshold=float(m["threshold"]),
            error_counts=unpack_labels(m["error_counts"]),
            common_wrong_answer=unpack_labels(m["common_wrong_answer"]))
    return out
