"""The training request, typed on the grader's side and the student's: the plan's
:class:`~autograder.spec.Training` crosses to the student's process here, as plain data.

The grader builds a :class:`TrainRequest` from a plan (or the release builds one
from a :class:`~autograder.spec.Pretrained`); :meth:`TrainRequest.to_json` is
the frame the codec sends, and the student's process reads it back with
:meth:`TrainRequest.from_json`. Only the training and validation splits travel:
the held-out labels never do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class BaseNetwork:
    """A released network as the student's process rebuilds it (see :mod:`autograder.pretrained`):
    Keras's architecture JSON, the layers with weights (``{"name", "class", "weights"}``) and the
    layer classes whose weights the answer reports after training (``keep``)."""

    config: str
    layers: list[dict[str, Any]]
    keep: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"config": self.config, "layers": self.layers, "keep": list(self.keep)}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> BaseNetwork:
        return cls(str(d["config"]), list(d["layers"]), tuple(str(k) for k in d.get("keep", ())))


@dataclass(frozen=True)
class TrainRequest:
    """Call ``target`` on ``args`` (training and validation arrays) with ``seed``, keep the model
    under ``slot``; ``members`` > 0: it returns that many one-vs-all models; ``base``: the released
    network, passed first."""

    target: str
    args: list[Any] = field(default_factory=list)
    seed: int = 0
    slot: str = ""
    members: int = 0
    base: BaseNetwork | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"op": "train", "target": self.target, "args": self.args, "seed": self.seed,
                                "slot": self.slot, "members": self.members}
        if self.base is not None:
            data["pretrained"] = self.base.to_json()
        return data

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> TrainRequest:
        base = d.get("pretrained")
        return cls(target=str(d["target"]), args=list(d.get("args") or []), seed=int(d.get("seed") or 0),
                   slot=str(d.get("slot") or ""), members=int(d.get("members") or 0),
                   base=BaseNetwork.from_json(base) if base else None)
