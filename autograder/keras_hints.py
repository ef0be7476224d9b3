"""Hints for code copied from Keras 1 (the course's slides).

Shared by the model exercises' ``checks.py``: each is a :class:`~autograder.spec.Mistake`
recognised by the exception the student's code raised. Numbers in a hint (``{epochs}``,
``{outputs}``) are the training's own (:meth:`autograder.spec.Training.numbers`). Mistakes of labels against the loss
(and Keras 1's ``np_utils``, whose advice names the class count) come from the data task
(:meth:`autograder.tasks.Task.label_mistakes`).
"""

from __future__ import annotations

from .spec import Mistake

KERAS1_MISTAKES = (
    Mistake("`output_dim` is the Keras 1 spelling: Keras 3 calls it `units`, the first argument, "
            "e.g. layers.Dense({outputs}, activation='{output_activation}') for the output layer.",
            raised="TypeError", message="argument: 'units'", name="keras1_output_dim"),
    Mistake("`nb_epoch` is the Keras 1 spelling: use model.fit(..., epochs={epochs}) (the reference "
            "trains {epochs} epochs).", raised="TypeError", message="nb_epoch", name="keras1_nb_epoch"),
    Mistake("`init=` is the Keras 1 spelling: use kernel_initializer='uniform'.",
            raised="ValueError", message="{'init'", name="keras1_init"),
    Mistake("`border_mode` is the Keras 1 spelling: use padding='same'.",
            raised="ValueError", message="border_mode", name="keras1_border_mode"),
    Mistake("Dropout's rate is its first argument in Keras 3: layers.Dropout(0.5), not p=0.5.",
            raised="TypeError", message="argument: 'rate'", name="keras1_dropout_p"),
    Mistake("`keras.layers.core` is Keras 1: import the layers with `from keras import layers` "
            "and write layers.Dense(...).", raised="ModuleNotFoundError", message="keras.layers.core",
            name="keras1_layers_core"),
)
