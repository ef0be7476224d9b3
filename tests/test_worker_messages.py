"""What the student's process keeps of an exception's message: the reason, not a wall.

TensorFlow's graph errors (a label out of range, a shape mismatch inside ``fit``) put
the reason after some 2,000 characters of its own stack; the worker keeps the reason,
so that a declared mistake (``Mistake(message="outside the valid range")``) is
recognised and the student reads one line.
"""

from __future__ import annotations

from autograder.run.worker import MESSAGE_KEEP, condensed_message, describe_exception

# The shape of TensorFlow 2.21's message for labels 2-9 against a 5-unit softmax (its frames shortened).
GRAPH_ERROR = (
    "Graph execution error:\n\nDetected at node compile_loss/sparse_categorical_crossentropy/"
    "SparseSoftmaxCrossEntropyWithLogits/SparseSoftmaxCrossEntropyWithLogits defined at (most recent call last):\n"
    + "".join(f'  File "/venv/lib/python3.11/site-packages/keras/src/part{i}.py", line {i}, in call\n\n'
              for i in range(40))
    + "Received a label value of 9 which is outside the valid range of [0, 5).  Label values: 5 9 6 7\n"
    "\t [[{{node compile_loss/sparse_categorical_crossentropy/SparseSoftmaxCrossEntropyWithLogits/"
    "SparseSoftmaxCrossEntropyWithLogits}}]] [Op:__inference_multi_step_on_iterator_538]")


class InvalidArgumentError(Exception):
    pass


def test_a_graph_error_keeps_its_reason_and_drops_tensorflows_stack():
    assert len(GRAPH_ERROR) > MESSAGE_KEEP  # the reason lies past what is kept of a message
    said = describe_exception(InvalidArgumentError(GRAPH_ERROR), set())
    assert said["message"] == ("Graph execution error: Received a label value of 9 which is outside the valid "
                               "range of [0, 5).  Label values: 5 9 6 7")
    assert said["types"][0] == "InvalidArgumentError"


def test_other_messages_are_kept_as_written_up_to_the_limit():
    assert condensed_message('File "x", line 3\nnot a graph error') == 'File "x", line 3\nnot a graph error'
    said = describe_exception(ValueError("x" * 2000), set())
    assert said["message"] == "x" * MESSAGE_KEEP
