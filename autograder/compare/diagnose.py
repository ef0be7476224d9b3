"""Why a trained model scores below its marks: one diagnosis, the one that names the mistake.

Everything is measured by the grader on plain data: the loss the model was
compiled with, its training history, its accuracy on the inputs as sent and on
the same inputs rescaled. Diagnoses are tried in order and the first that fits
gives the hint, so a student gets one reason, not a list:

1. a loss that does not fit the labels (ten digits with ``binary_crossentropy``), worded by
   the course's data task (:meth:`autograder.tasks.Task.loss_hints`);
2. no training at all (no history);
3. inputs on another scale: the model does far better on the inputs times or
   divided by 255 than on the real ones, so it was trained on rescaled inputs
   (the slides divide raw pixels by 255; the data passed in are already in [0, 1]);
4. accuracy at chance: the output or the learning rate;
5. over-fitting: training accuracy far above the accuracy on unseen inputs;
6. under-training: the loss still falling, or training accuracy itself low.

The thresholds are :class:`Diagnosis` fields with the reference's measurement
beside them (docs/keras-grading.md). Each diagnosis has an id (:class:`Diagnosed`),
the ``CheckResult.mistake`` the class report counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Diagnosis:
    """Thresholds for telling weak models apart.

    ``rescale_gain``: how much better (accuracy) the model must do on rescaled
    inputs to say it was trained on them (the references score at chance on
    rescaled inputs, about 0.8 below their real accuracy; a model trained on
    inputs divided by 255 again scored 0.70 as given and 0.82 divided by 255). ``overfit_gap``: training accuracy
    minus accuracy on unseen inputs above which the model over-fits (the
    references end 0.01-0.06 apart). ``still_falling``: the relative drop of the
    training loss over the last epoch above which training stopped too early.
    """

    rescale_gain: float = 0.08
    overfit_gap: float = 0.12
    still_falling: float = 0.02


DEFAULT = Diagnosis()


@dataclass(frozen=True)
class Diagnosed:
    """One diagnosis: the mistake's id and the hint that names it."""

    mistake: str
    hint: str


def _last(history: dict[str, list[float]], key: str) -> float | None:
    values = history.get(key) or []
    return float(values[-1]) if values else None


def weak_model_hint(acc: float, *, chance: float, summary: dict[str, Any], history: dict[str, list[float]],
                    loss_hints: Mapping[str, str] | None = None, noun: str = "example",
                    rescaled: dict[str, float] | None = None, target: str = "the function",
                    rules: Diagnosis = DEFAULT, chance_hint: str = "", epochs: int = 0) -> str:
    """The hint of :func:`diagnose_weak_model`."""
    return diagnose_weak_model(acc, chance=chance, summary=summary, history=history, loss_hints=loss_hints,
                               noun=noun, rescaled=rescaled, target=target, rules=rules,
                               chance_hint=chance_hint, epochs=epochs).hint


def diagnose_weak_model(acc: float, *, chance: float, summary: dict[str, Any], history: dict[str, list[float]],
                        loss_hints: Mapping[str, str] | None = None, noun: str = "example",
                        rescaled: dict[str, float] | None = None, target: str = "the function",
                        rules: Diagnosis = DEFAULT, chance_hint: str = "", epochs: int = 0) -> Diagnosed:
    """The diagnosis of a model whose accuracy ``acc`` (on unseen inputs) is below its pass mark.
    ``loss_hints``: losses that do not fit the task's labels, and what to say; ``noun``: what
    one example is ("digit"); ``chance_hint``: what to say of accuracy at chance, when the
    exercise knows better than the general advice (one-vs-all); ``epochs``: the reference's."""
    loss = str(summary.get("loss", "")).lower()
    if loss in (loss_hints or {}):
        return Diagnosed(f"wrong_loss_{loss}", (loss_hints or {})[loss])
    said_epochs = str(epochs) if epochs else "..."
    if not history:
        return Diagnosed("untrained", f"The model looks untrained: call model.fit(x_train, y_train, "
                         f"epochs={said_epochs}, validation_data=(x_val, y_val)) before returning it.")
    for how, scaled in sorted((rescaled or {}).items(), key=lambda item: -item[1]):
        if scaled >= acc + rules.rescale_gain:
            return Diagnosed("rescaled_inputs", (
                f"The model does better on the inputs {how} ({scaled:.0%}) than on the inputs as "
                f"given ({acc:.0%}): it was trained on rescaled inputs. The data passed to {target} are "
                "already in [0, 1]: do not divide (or multiply) them by 255 again."))
    if acc < chance + 0.1:
        return Diagnosed("accuracy_at_chance", chance_hint or (
            f"Accuracy near chance ({chance:.0%}): the model did not learn. Check that the "
            "output layer has the right size and activation for the labels, and the learning rate."))
    seen_epochs = len(next(iter(history.values()), []))
    trained = _last(history, "accuracy")
    if trained is not None and trained - acc > rules.overfit_gap:
        return Diagnosed("overfitting", (
            f"The model over-fits: {trained:.0%} accuracy on its training data but {acc:.0%} on {noun}s "
            "it has not seen. Add Dropout, use fewer parameters, or stop earlier "
            "(keras.callbacks.EarlyStopping on val_loss)."))
    losses = history.get("loss") or []
    falling = len(losses) >= 2 and losses[-2] > 0 and (losses[-2] - losses[-1]) / losses[-2] > rules.still_falling
    still = ", and its loss was still falling" if falling else ""
    seen = f"training accuracy {trained:.0%}, " if trained is not None else ""
    more = (f"the reference trains {epochs} epoch{'' if epochs == 1 else 's'}" if epochs > seen_epochs
            else "train for more epochs")
    return Diagnosed("undertrained", (
        f"The model is under-trained ({seen}{_epochs(seen_epochs)} seen{still}): {more}, "
        "or raise the learning rate."))


def _epochs(n: int) -> str:
    return f"{n} epoch" if n == 1 else f"{n} epochs"


def frozen_head(summary: dict[str, Any], base_names: set[str]) -> Diagnosed | None:
    """No layer outside the reused ones (``base_names``; none: the whole model) can learn: every
    layer with weights has ``trainable`` False in the summary, so training changes nothing."""
    head = [layer for layer in summary.get("layers", [])
            if layer.get("name") not in base_names and int(layer.get("params") or 0) > 0]
    if not head or any(layer.get("trainable", True) for layer in head):
        return None
    names = ", ".join(str(layer.get("name")) for layer in head)
    if base_names:
        return Diagnosed("frozen_head", (
            f"No layer of the new head is trainable ({names}: trainable=False), so nothing learns: "
            "`model.trainable = False` freezes the whole model, head included. Freeze only the reused "
            "layers (base.trainable = False, or layer.trainable = False for each) before adding the head."))
    return Diagnosed("frozen_model", (
        f"No layer of the model is trainable ({names}: trainable=False), so nothing learns: leave "
        "the layers trainable (do not set model.trainable = False before fit)."))
