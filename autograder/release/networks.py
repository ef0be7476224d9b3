"""Released networks (``Training(pretrained=Pretrained(...))``): made from the reference solution.

``deepgrade release`` trains the reference's function on its task once and
writes the network's file (:mod:`autograder.pretrained`) into the exercise's
source and release folders. The file records the hash of what made it (the
declaration and the solution notebook's code, less the generated test cells),
so a release remakes it only when that changes, and the staleness test can say
it is in sync without training: a network trained on another machine differs in
its last digits, and must not count as stale.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from ..compare.models import accuracy
from ..course import Exercise
from ..kinds import ReferenceSolutionError
from ..load import load_program
from ..pretrained import made_from, model_file_text
from ..run.keras_requests import TrainRequest
from ..run.session import Limits, OutcomeStatus, StudentProcess
from ..spec import Pretrained
from ..student import KERAS_LOAD_TIMEOUT, KERAS_OPS


def declared_networks(exercise: Exercise) -> list[Pretrained]:
    """The released networks an exercise's trainings declare (each once)."""
    found: dict[str, Pretrained] = {}
    for check in exercise.checks():
        pretrained = getattr(getattr(check, "training", None), "pretrained", None)
        if pretrained is not None:
            found.setdefault(pretrained.file, pretrained)
    return list(found.values())


def source_hash(exercise: Exercise, pretrained: Pretrained) -> str:
    """What a released network is made from: its declaration, its task, and the solution's code."""
    from .cells import TEST_CELL_PATTERN

    notebook = json.loads(exercise.solution_notebook.read_text())
    code = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in notebook.get("cells", []) if c.get("cell_type") == "code"]
    h = hashlib.sha256(json.dumps(pretrained.to_json(), sort_keys=True).encode())
    for source in code:
        if not TEST_CELL_PATTERN.search(source):
            h.update(b"\0" + source.encode())
    return h.hexdigest()


def network_text(exercise: Exercise, pretrained: Pretrained) -> str:
    """The released network's file: the one in the source folder when it was made from this
    source, else a new one trained from the reference solution."""
    made = source_hash(exercise, pretrained)
    current = exercise.source_dir / pretrained.file
    if current.is_file() and made_from(current) == made:
        return current.read_text()
    return _train(exercise, pretrained, made)


def _train(exercise: Exercise, pretrained: Pretrained, made: str) -> str:
    task = exercise.course.task(pretrained.task)
    program = load_program(exercise.solution_notebook).without_calls({pretrained.target})
    limits = Limits(load_timeout=KERAS_LOAD_TIMEOUT)
    with StudentProcess(program, limits=limits, preload=(KERAS_OPS,)) as reference:
        request = TrainRequest(pretrained.target, task.training_args(), seed=pretrained.seed)
        trained = reference.request(request.to_json(), timeout=pretrained.budget)
        if trained.status is not OutcomeStatus.OK or not (trained.value or {}).get("model"):
            raise ReferenceSolutionError(f"{exercise.name}: the reference {pretrained.target} did not train a "
                                         f"network: {trained.status} {trained.error or trained.detail}")
        exported = reference.request({"op": "export", "target": pretrained.target}, timeout=120)
        x, y = task.split("test")
        predicted = reference.request({"op": "predict", "target": pretrained.target, "x": x}, timeout=120)
    if exported.status is not OutcomeStatus.OK or predicted.status is not OutcomeStatus.OK:
        raise ReferenceSolutionError(f"{exercise.name}: the reference network could not be exported: "
                                     f"{exported.detail or predicted.detail}")
    about = {"made_by": f"solutions/{exercise.name}: {pretrained.target} on task {pretrained.task}, "
                        f"seed {pretrained.seed}",
             "test_accuracy": round(accuracy(np.asarray(predicted.value), y, task.classes), 4)}
    return model_file_text(config=exported.value["config"], layers=exported.value["layers"], made_from=made,
                           about=about)


def network_files(exercise: Exercise) -> dict[Path, str]:
    """Each released network's file, in the source folder (nbgrader's) and the release folder."""
    files = {}
    for pretrained in declared_networks(exercise):
        text = network_text(exercise, pretrained)
        files[exercise.source_dir / pretrained.file] = text
        files[exercise.release_dir / pretrained.file] = text
    return files
