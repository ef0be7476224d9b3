"""The comparison layer on plain data: answers against expected values, trained models' summaries.

No student process and no TensorFlow: answers are built here in the forms the grader
receives them (``autograder/run/codec.py``: numbers, strings, None, tuples, lists, numeric
arrays, NumPy scalars as 0-d arrays, anything else as ``Opaque``), and model summaries as
``autograder/run/keras_ops.py`` writes them.

The tests of NaN in the reference, lists holding None, arrays for a string or None,
booleans and (n, n) broadcasts were written as failing tests first (each a bug found
here) and pass since the fix.
"""

from __future__ import annotations

import numpy as np
import pytest

from autograder.compare.models import (
    accuracy,
    architecture_problem,
    confusion_matrix,
    layer_classes,
    params_problem,
    predicted_labels,
)
from autograder.compare.values import (
    NONFINITE_HINT,
    Verdict,
    as_number,
    compare_values,
    matches,
    show_value,
)
from autograder.run.codec import Opaque
from autograder.spec import Architecture, Tolerance

DEFAULT = Tolerance()
EXACT = Tolerance(exact=True)
LABELS = Tolerance(exact=True, squeeze=True)  # as ex03's predict_class checks

SAME_SIZE_HINT = "The values may be right but the shape is not"
GENERIC_SHAPE_HINT = "Check the shapes of the weights and the order of the matrix product."
BROADCAST_HINT = "An (n, n) result usually means a bias or weight of the wrong shape was broadcast."


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


# == compare_values: numbers ==============================================================

@pytest.mark.parametrize("got, expected", [
    (0.5, 0.5),
    (3, 3.0),
    (3.0, 3),
    (np.float32(0.1), 0.1),  # a NumPy scalar, float32 rounding within the default tolerance
    (np.array(0.1, dtype=np.float32), 0.1),  # ... as the codec delivers it: a 0-d array
    (np.array(0.5), 0.5),
    (0.5, np.array(0.5)),  # an expected 0-d array is a number too
    (np.array(7, dtype=np.int32), 7),
])
def test_a_number_is_accepted_in_every_equivalent_form(got, expected):
    verdict = compare_values(got, expected, DEFAULT)
    assert verdict.ok, verdict
    assert verdict.problem == "" and verdict.hint == ""


@pytest.mark.parametrize("got, expected, ok", [
    (100.009, 100.0, True),  # rtol 1e-4 of the expected value: 0.01 allowed
    (100.02, 100.0, False),
    (5e-7, 0.0, True),  # near zero only atol (1e-6) counts
    (1e-5, 0.0, False),
    (0.5 * (1 + 1e-5), 0.5, True),
    (0.5 * (1 + 1e-3), 0.5, False),
])
def test_the_default_tolerance_is_relative_with_a_small_absolute_floor(got, expected, ok):
    assert compare_values(got, expected, DEFAULT).ok is ok


def test_a_wrong_number_says_by_how_much():
    verdict = compare_values(0.75, 0.5, DEFAULT)
    assert not verdict.ok
    assert verdict.problem == "returned wrong values"
    assert not verdict.about_form
    assert verdict.max_error == pytest.approx(0.25)
    assert verdict.differ == (1, 1)
    assert verdict.distance(coarse=False) == "off by 0.25"
    assert verdict.distance(coarse=True) == "off by more than 0.1"


@pytest.mark.parametrize("got, problem", [
    ("0.5", "returned str, expected a number"),
    ([0.5, 0.5], "returned list, expected a number"),
    (np.array([0.5, 0.5]), "returned array of shape (2,), expected a number"),
    (True, "returned bool, expected a number"),
    (Opaque("function", "<function f at 0x1>"), "returned function, expected a number"),
])
def test_a_non_number_for_a_number_is_a_form_error(got, problem):
    verdict = compare_values(got, 0.5, DEFAULT)
    assert not verdict.ok
    assert verdict.problem == problem
    assert verdict.about_form
    assert verdict.distance(coarse=False) == ""


@pytest.mark.parametrize("expected", [0.5, np.zeros(3)])
def test_none_says_the_function_does_not_return(expected):
    verdict = compare_values(None, expected, DEFAULT)
    assert not verdict.ok and verdict.about_form
    assert verdict.problem == "returned None"
    assert "`return`" in verdict.hint


# == compare_values: arrays ================================================================

def test_float32_arithmetic_is_accepted_for_a_float64_reference():
    z = np.linspace(-8, 8, 101)
    expected = _sigmoid(z)
    got = _sigmoid(z.astype(np.float32))
    assert got.dtype == np.float32 and not np.array_equal(got, expected)
    assert compare_values(got, expected, DEFAULT).ok


def test_a_small_relative_error_in_every_value_is_rejected():
    expected = _sigmoid(np.linspace(0, 8, 101))  # values in [0.5, 1): every error is above atol
    verdict = compare_values(expected * (1 + 1e-3), expected, DEFAULT)
    assert not verdict.ok and not verdict.about_form
    assert verdict.differ == (101, 101)


def test_a_known_mistake_is_rejected_with_how_many_values_differ():
    z = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
    verdict = compare_values(np.tanh(z), _sigmoid(z), DEFAULT)
    assert not verdict.ok
    assert verdict.problem == "returned wrong values"
    assert verdict.max_error == pytest.approx(np.max(np.abs(np.tanh(z) - _sigmoid(z))))
    assert verdict.differ == (5, 5)
    assert verdict.distance(coarse=False) == "largest difference 1.08; 5 of 5 values differ"


def test_only_the_values_that_differ_are_counted():
    verdict = compare_values(np.array([0.0, 0.5, 0.0, -2.0]), np.zeros(4), DEFAULT)
    assert verdict.differ == (2, 4)
    assert verdict.distance(coarse=False) == "largest difference 2; 2 of 4 values differ"


@pytest.mark.parametrize("got", [
    [0.1, 0.2, 0.3],
    (0.1, 0.2, 0.3),
    np.array([0.1, 0.2, 0.3], dtype=np.float32),
])
def test_a_list_or_tuple_is_accepted_for_a_1d_array(got):
    assert compare_values(got, np.array([0.1, 0.2, 0.3]), DEFAULT).ok


def test_a_nested_list_is_accepted_for_a_2d_array():
    assert compare_values([[1, 2], [3, 4]], np.array([[1.0, 2.0], [3.0, 4.0]]), DEFAULT).ok


def test_a_list_with_a_wrong_value_is_rejected():
    verdict = compare_values([0.1, 0.2, 0.4], np.array([0.1, 0.2, 0.3]), DEFAULT)
    assert not verdict.ok and verdict.differ == (1, 3)


@pytest.mark.parametrize("got", [[[1.0, 2.0], [3.0]], ["a", "b"]])
def test_a_list_that_is_not_a_numeric_array_is_a_form_error(got):
    verdict = compare_values(got, np.zeros(2), DEFAULT)
    assert not verdict.ok and verdict.about_form
    assert verdict.problem == "returned a list that is not a numeric array"


@pytest.mark.parametrize("got, problem", [
    ("[0. 0. 0.]", "returned str, expected a NumPy array of shape (3,)"),
    (Opaque("EagerTensor", "tf.Tensor(...)"), "returned EagerTensor, expected a NumPy array of shape (3,)"),
    (np.array(["a", "b", "c"]), "returned an array of dtype <U1, not numbers"),
])
def test_a_non_array_for_an_array_names_what_came_back(got, problem):
    verdict = compare_values(got, np.zeros(3), DEFAULT)
    assert not verdict.ok and verdict.about_form
    assert verdict.problem == problem


# -- exact tolerance: labels and counts ------------------------------------------------------

@pytest.mark.parametrize("got", [
    np.array([0, 1, 1, 0]),
    np.array([0.0, 1.0, 1.0, 0.0], dtype=np.float32),
    [0, 1, 1, 0],
    np.array([False, True, True, False]),  # a boolean mask for 0/1 labels
])
def test_exact_tolerance_accepts_the_same_labels_in_any_numeric_dtype(got):
    assert compare_values(got, np.array([0, 1, 1, 0]), EXACT).ok


@pytest.mark.parametrize("tol, ok", [(DEFAULT, True), (EXACT, False)])
def test_exact_tolerance_rejects_what_the_default_tolerance_lets_through(tol, ok):
    assert compare_values(3.0000001, 3, tol).ok is ok
    assert compare_values(np.array([0.0, 1.0000001]), np.array([0, 1]), tol).ok is ok


def test_wrong_labels_are_counted():
    verdict = compare_values(np.array([0, 1, 0, 0]), np.array([0, 1, 1, 0]), EXACT)
    assert not verdict.ok and not verdict.about_form
    assert verdict.differ == (1, 4)
    assert verdict.distance(coarse=False) == "largest difference 1; 1 of 4 values differ"


def test_a_wrong_boolean_mask_is_rejected():
    assert not compare_values(np.array([True, True]), np.array([0, 1]), EXACT).ok


# -- squeeze and shapes ---------------------------------------------------------------------

@pytest.mark.parametrize("got, expected", [
    (np.array([[0], [1], [1]]), np.array([0, 1, 1])),  # (n, 1) for (n,)
    (np.array([0, 1, 1]), np.array([[0], [1], [1]])),  # and the reverse
])
def test_squeeze_accepts_a_column_for_a_vector_and_the_reverse(got, expected):
    assert compare_values(got, expected, LABELS).ok
    verdict = compare_values(got, expected, EXACT)
    assert not verdict.ok and verdict.about_form
    assert verdict.problem == f"returned shape {got.shape}, expected shape {expected.shape}"
    assert verdict.hint.startswith(SAME_SIZE_HINT)
    assert f"{expected.ndim}-D with shape {expected.shape}" in verdict.hint


def test_squeeze_still_checks_the_values():
    verdict = compare_values(np.array([[0], [1], [0]]), np.array([0, 1, 1]), LABELS)
    assert not verdict.ok and verdict.differ == (1, 3)


def test_squeeze_does_not_accept_a_different_number_of_values():
    verdict = compare_values(np.array([[0], [1]]), np.array([0, 1, 1]), LABELS)
    assert not verdict.ok and verdict.about_form
    assert verdict.problem == "returned shape (2, 1), expected shape (3,)"


X = np.arange(10.0).reshape(5, 2)
W = np.array([[1.0, 0.0, -1.0], [0.5, 2.0, 1.0]])


def test_the_wrong_order_of_a_matrix_product_is_called_transposed():
    verdict = compare_values(W.T @ X.T, X @ W, DEFAULT)
    assert not verdict.ok and verdict.about_form
    assert verdict.problem == "returned shape (3, 5), expected shape (5, 3)"
    assert "transposed" in verdict.hint and "X @ W" in verdict.hint


def test_same_values_in_another_shape_points_to_reshape():
    verdict = compare_values(np.zeros((2, 3)), np.zeros(6), DEFAULT)
    assert verdict.problem == "returned shape (2, 3), expected shape (6,)"
    assert verdict.hint.startswith(SAME_SIZE_HINT) and "1-D with shape (6,)" in verdict.hint


def test_an_n_by_n_result_points_to_broadcasting():
    column = X @ W[:, :1]  # (5, 1)
    got = column + np.ones(5)  # a bias of shape (n,) broadcasts to (5, 5)
    verdict = compare_values(got, column, DEFAULT)
    assert verdict.problem == "returned shape (5, 5), expected shape (5, 1)"
    assert verdict.hint == BROADCAST_HINT


def test_another_shape_points_to_the_weights_and_the_product():
    verdict = compare_values(X.T @ (X @ W), X @ W, DEFAULT)
    assert verdict.problem == "returned shape (2, 3), expected shape (5, 3)"
    assert verdict.hint == GENERIC_SHAPE_HINT


def test_an_n_by_n_result_for_a_vector_points_to_broadcasting():
    labels = np.array([0, 1, 1, 0, 1])
    got = X[:, :1] + X[:, 1]  # (5, 1) + (5,) -> (5, 5)
    verdict = compare_values(got, labels, LABELS)
    assert verdict.problem == "returned shape (5, 5), expected shape (5,)"
    assert verdict.hint == BROADCAST_HINT


# -- NaN and infinity --------------------------------------------------------------------------

@pytest.mark.parametrize("got, expected, count", [
    (np.array([0.5, np.nan, np.inf]), np.array([0.5, 0.5, 0.5]), 2),
    (np.array([-np.inf, 0.0]), np.array([0.0, 0.0]), 1),
    (float("nan"), 0.5, 1),
    (float("inf"), 0.5, 1),
    ((0.5, float("nan")), (0.5, 0.5), 1),
])
def test_nan_or_infinity_gets_the_overflow_hint(got, expected, count):
    verdict = compare_values(got, expected, DEFAULT)
    assert not verdict.ok and verdict.about_form
    assert f"{count} NaN or infinite value(s)" in verdict.problem
    assert verdict.hint == NONFINITE_HINT


@pytest.mark.parametrize("values", [[np.nan, 1.0], [np.inf, 1.0], [-np.inf, 1.0]])
def test_nan_or_infinity_where_the_reference_has_it_is_accepted(values):
    assert compare_values(np.array(values), np.array(values), DEFAULT).ok


def test_infinity_of_the_wrong_sign_is_rejected():
    assert not compare_values(np.array([-np.inf]), np.array([np.inf]), DEFAULT).ok


def test_exact_tolerance_accepts_an_identical_answer_with_nan():
    assert compare_values(np.array([np.nan, 1.0]), np.array([np.nan, 1.0]), EXACT).ok


def test_a_finite_answer_where_nan_was_expected_is_not_off_by_zero():
    verdict = compare_values(np.array([1.0, 1.0]), np.array([np.nan, 1.0]), DEFAULT)
    assert not verdict.ok
    assert "largest difference 0;" not in verdict.distance(coarse=False)


@pytest.mark.parametrize("got", [[None, None, None], [0.1, None, 0.3]])
def test_a_list_holding_none_is_not_called_an_overflow(got):
    verdict = compare_values(got, np.array([0.1, 0.2, 0.3]), DEFAULT)
    assert not verdict.ok
    assert verdict.hint != NONFINITE_HINT
    assert "NaN" not in verdict.problem


# == compare_values: pairs (tuples), strings, None, other types ==================================

PAIR = (1.5, -0.5)


@pytest.mark.parametrize("got", [
    (1.5, -0.5),
    [1.5, -0.5],
    np.array([1.5, -0.5]),
    (np.array(1.5), np.array(-0.5, dtype=np.float32)),  # NumPy scalars, as the codec delivers them
    (1.5 + 1e-9, -0.5),
])
def test_a_pair_is_accepted_as_tuple_list_or_1d_array(got):
    assert compare_values(got, PAIR, DEFAULT).ok


def test_a_pair_with_a_wrong_value_says_which():
    verdict = compare_values((1.5, 0.5), PAIR, DEFAULT)
    assert not verdict.ok and not verdict.about_form
    assert verdict.problem == "value 2 of 2 is wrong"
    assert verdict.distance(coarse=False) == "off by 1"


def test_a_pair_with_swapped_values_is_rejected_at_the_first():
    verdict = compare_values((-0.5, 1.5), PAIR, DEFAULT)
    assert verdict.problem == "value 1 of 2 is wrong"


@pytest.mark.parametrize("got, problem", [
    ((1.5,), "returned 1 values, expected 2"),
    ((1.5, -0.5, 0.0), "returned 3 values, expected 2"),
    (np.array([1.5, -0.5, 0.0]), "returned 3 values, expected 2"),
    (1.5, "returned float, expected a tuple of 2 values"),
    (np.array([[1.5, -0.5]]), "returned array of shape (1, 2), expected a tuple of 2 values"),
    ({"intercept": 1.5, "slope": -0.5}, "returned dict, expected a tuple of 2 values"),
])
def test_a_pair_of_the_wrong_form_is_a_form_error(got, problem):
    verdict = compare_values(got, PAIR, DEFAULT)
    assert not verdict.ok and verdict.about_form
    assert verdict.problem == problem


def test_a_form_error_inside_a_pair_keeps_its_problem_and_hint():
    verdict = compare_values((1.5, None), PAIR, DEFAULT)
    assert verdict.about_form
    assert verdict.problem == "value 2 of 2 returned None"
    assert "`return`" in verdict.hint


def test_a_pair_of_arrays_reports_the_shape_of_the_wrong_one():
    weights, bias = np.ones((2, 3)), np.zeros(3)
    verdict = compare_values((weights, bias.reshape(1, 3)), (weights, bias), DEFAULT)
    assert verdict.about_form
    assert verdict.problem == "value 2 of 2 returned shape (1, 3), expected shape (3,)"
    assert verdict.hint.startswith(SAME_SIZE_HINT)


@pytest.mark.parametrize("got, expected, ok, problem", [
    ("relu", "relu", True, ""),
    ("ReLU", "relu", False, "returned 'ReLU'"),
    (3, "relu", False, "returned 3"),
    (None, None, True, ""),
    (0.0, None, False, "returned 0.0"),
    ("None", None, False, "returned 'None'"),
])
def test_strings_and_none_must_be_equal(got, expected, ok, problem):
    verdict = compare_values(got, expected, DEFAULT)
    assert verdict.ok is ok
    assert verdict.problem == problem


@pytest.mark.parametrize("got, expected", [
    (np.array([1.0, 2.0]), "relu"),
    (np.array([1.0, 2.0]), None),
    (np.array([1.0]), None),
])
def test_an_array_for_a_string_or_none_is_rejected(got, expected):
    verdict = compare_values(got, expected, DEFAULT)
    assert verdict.ok is False
    assert verdict.problem.startswith("returned")


@pytest.mark.parametrize("expected", [{"a": 1.0}, Opaque("function", "f")])
def test_an_expected_value_of_another_type_cannot_be_compared(expected):
    with pytest.raises(TypeError, match="cannot compare with expected value of type"):
        compare_values(expected, expected, DEFAULT)


def test_an_expected_bool_accepts_the_same_bool_only():
    assert compare_values(True, True, EXACT).ok
    assert not compare_values(False, True, EXACT).ok


# == Verdict ====================================================================================

def test_a_passing_verdict_is_not_about_form_and_has_no_distance():
    verdict = compare_values(0.5, 0.5, DEFAULT)
    assert verdict == Verdict(True)
    assert not verdict.about_form
    assert verdict.distance(coarse=True) == verdict.distance(coarse=False) == ""


@pytest.mark.parametrize("error, fine, coarse", [
    (0.25, "0.25", "more than 0.1"),
    (0.0372, "0.0372", "more than 0.01"),
    (0.004, "0.004", "more than 0.001"),
    (37.0, "37", "more than 10"),
    (1234.0, "1.23e+03", "more than 1000"),
    (float("inf"), "inf", "inf"),
])
def test_coarse_distance_gives_only_the_order_of_magnitude(error, fine, coarse):
    verdict = Verdict(False, "returned wrong values", max_error=error, differ=(1, 1))
    assert verdict.distance(coarse=False) == f"off by {fine}"
    assert verdict.distance(coarse=True) == f"off by {coarse}"


def test_distance_of_many_values_counts_those_that_differ():
    verdict = Verdict(False, "returned wrong values", max_error=0.0372, differ=(3, 10))
    assert verdict.distance(coarse=False) == "largest difference 0.0372; 3 of 10 values differ"
    assert verdict.distance(coarse=True) == "largest difference more than 0.01; 3 of 10 values differ"


def test_a_hidden_check_cannot_read_the_reference_from_the_coarse_distance():
    expected = np.array([0.731059])
    verdict = compare_values(np.array([0.7]), expected, DEFAULT)
    assert "0.031" in verdict.distance(coarse=False)
    assert "031" not in verdict.distance(coarse=True)


# == matches ====================================================================================

def test_matches_recognises_a_known_mistake_within_the_tolerance():
    z = np.array([-1.0, 0.0, 2.0])
    assert matches(np.tanh(z).astype(np.float32), np.tanh(z), DEFAULT)
    assert not matches(_sigmoid(z), np.tanh(z), DEFAULT)


def test_matches_uses_the_checks_tolerance():
    assert matches(np.array([[1], [0]]), np.array([1, 0]), LABELS)
    assert not matches(np.array([[1], [0]]), np.array([1, 0]), EXACT)


@pytest.mark.parametrize("candidate", [{"a": 1.0}, Opaque("function", "f")])
def test_matches_is_false_for_a_candidate_it_cannot_compare(candidate):
    assert matches(candidate, candidate, DEFAULT) is False


def test_matches_is_false_for_an_array_against_a_string_candidate():
    assert matches(np.array([1.0, 2.0]), "relu", DEFAULT) is False


# == show_value and as_number ====================================================================

@pytest.mark.parametrize("value, shown", [
    (np.array([0.1, 0.2]), "[0.1, 0.2]"),
    (np.array([1 / 3]), "[0.333333]"),
    (np.array(0.5), "0.5"),
    (np.array(3), "3"),
    (0.1, "0.1"),
    (3, "3"),
    ("relu", "'relu'"),
    (None, "None"),
    ((1.0, 2.5), "(1.0, 2.5)"),
    ((1.0,), "(1.0,)"),
    ((np.array([1.0, 2.0]), np.array(0.5)), "([1., 2.], 0.5)"),
])
def test_show_value_renders_answers_compactly(value, shown):
    assert show_value(value) == shown


def test_show_value_summarises_a_large_array_on_one_line():
    shown = show_value(np.arange(60.0).reshape(20, 3))
    assert shown == ("[[ 0., 1., 2.], [ 3., 4., 5.], [ 6., 7., 8.], ..., "
                     "[51., 52., 53.], [54., 55., 56.], [57., 58., 59.]]")


@pytest.mark.parametrize("value, number", [
    (3, 3.0),
    (0.5, 0.5),
    (np.float32(0.5), 0.5),
    (np.int64(4), 4.0),
    (np.array(2.5), 2.5),
    (np.array([[2.5]], dtype=np.float32), 2.5),
    (np.array(7, dtype=np.uint8), 7.0),
])
def test_as_number_reads_every_kind_of_number(value, number):
    result = as_number(value)
    assert type(result) is float and result == number


@pytest.mark.parametrize("value", [
    True, np.bool_(False), np.array(True), None, "0.5", [0.5], (0.5,), np.array([1.0, 2.0]), 1 + 0j,
    np.array("3"),
])
def test_as_number_refuses_booleans_and_non_numbers(value):
    assert as_number(value) is None


# == models: layer summaries =====================================================================

def _layer(cls: str, *wraps: str, activation: str | None = None) -> dict:
    entry: dict = {"class": cls, "name": cls.lower(), "wraps": sorted(wraps), "params": 0}
    if activation is not None:
        entry["activation"] = activation
    return entry


def _summary(*layers: dict, params: int = 10_000) -> dict:
    return {"class": "Sequential", "layers": list(layers), "params": params,
            "loss": "sparse_categorical_crossentropy", "optimizer": "Adam"}


MLP = _summary(_layer("InputLayer"), _layer("Flatten"), _layer("Dense", activation="relu"),
               _layer("Dropout"), _layer("Dense", activation="softmax"))
LSTM_MODEL = _summary(_layer("InputLayer"), _layer("Embedding"), _layer("LSTM", activation="tanh"),
                      _layer("Dense", activation="sigmoid"))
BILSTM_MODEL = _summary(_layer("Embedding"), _layer("Bidirectional", "LSTM"), _layer("Dense", activation="sigmoid"))

# Shaped like the course's own architectures (solutions/ex05..ex07/checks.py).
FULLY_CONNECTED = Architecture(
    required={"Dense layer": ("Dense",)},
    allowed=("Dense", "Dropout", "BatchNormalization", "Activation", "Flatten"),
    hints={"Conv2D": "Convolutions are for ex06_cnn.", "LSTM": "LSTMs are for text."},
    missing_hint="Build the network from Dense layers.", max_params=4_000_000)
CONVOLUTIONAL = Architecture(
    required={"convolution layer (Conv2D)": ("Conv2D", "SeparableConv2D"),
              "pooling layer": ("MaxPooling2D", "AveragePooling2D")},
    missing_hint="A CNN needs a convolution and a pooling layer.")
RECURRENT = Architecture(
    required={"LSTM layer": ("LSTM",)},
    hints={"GRU": "GRU is a different recurrent layer: use layers.LSTM(32)."},
    missing_hint="Read the review with an LSTM.", outputs=1, output_activation="sigmoid")


def test_layer_classes_ignore_the_input_layer():
    assert layer_classes(MLP) == ["Flatten", "Dense", "Dropout", "Dense"]


def test_layer_classes_list_a_wrapper_then_what_it_wraps():
    assert layer_classes(BILSTM_MODEL) == ["Embedding", "Bidirectional", "LSTM", "Dense"]


def test_layer_classes_of_an_empty_summary_are_empty():
    assert layer_classes({}) == []
    assert layer_classes({"layers": [{"class": "Dense"}]}) == ["Dense"]  # "wraps" may be absent


@pytest.mark.parametrize("summary, arch", [
    (MLP, FULLY_CONNECTED),
    (LSTM_MODEL, RECURRENT),
    (BILSTM_MODEL, RECURRENT),  # the required LSTM inside Bidirectional
    (_summary(_layer("Conv2D"), _layer("MaxPooling2D"), _layer("Flatten"), _layer("Dense")), CONVOLUTIONAL),
    (_summary(_layer("SeparableConv2D"), _layer("AveragePooling2D"), _layer("Dense")), CONVOLUTIONAL),
])
def test_a_model_that_follows_the_rules_has_no_architecture_problem(summary, arch):
    assert architecture_problem(summary, arch) is None


@pytest.mark.parametrize("summary", [_summary(), _summary(_layer("InputLayer")), {}])
def test_a_model_without_layers_is_a_problem(summary):
    message, hint, _mistake = architecture_problem(summary, FULLY_CONNECTED)
    assert message == "the model has no layers"
    assert "keras.Sequential" in hint


def test_a_layer_that_is_not_allowed_gets_its_hint():
    cnn = _summary(_layer("Conv2D"), _layer("Conv2D"), _layer("Flatten"), _layer("Dense"))
    message, hint, _mistake = architecture_problem(cnn, FULLY_CONNECTED)
    assert message == ("the model has Conv2D layer(s); this exercise allows only "
                       "Dense, Dropout, BatchNormalization, Activation, Flatten")
    assert hint == "Convolutions are for ex06_cnn."
    assert _mistake == "layer_conv2d"  # the named mistake the class report counts


def test_each_extra_layer_is_named_once_and_the_first_known_hint_is_given():
    model = _summary(_layer("MaxPooling2D"), _layer("LSTM"), _layer("MaxPooling2D"), _layer("Dense"))
    message, hint, _mistake = architecture_problem(model, FULLY_CONNECTED)
    assert message.startswith("the model has MaxPooling2D, LSTM layer(s);")
    assert hint == "LSTMs are for text."


def test_an_extra_layer_without_a_hint_gets_the_missing_hint():
    model = _summary(_layer("Dense"), _layer("LeakyReLU"), _layer("Dense"))
    message, hint, _mistake = architecture_problem(model, FULLY_CONNECTED)
    assert message.startswith("the model has LeakyReLU layer(s);")
    assert hint == "Build the network from Dense layers."


def test_a_wrapper_is_a_layer_of_its_own_for_allowed():
    arch = Architecture(required={"LSTM layer": ("LSTM",)}, allowed=("Embedding", "LSTM", "Dense"))
    message, _, _mistake = architecture_problem(BILSTM_MODEL, arch)
    assert message.startswith("the model has Bidirectional layer(s);")


def test_a_missing_required_layer_gets_the_hint_of_a_layer_present():
    gru = _summary(_layer("Embedding"), _layer("GRU"), _layer("Dense", activation="sigmoid"))
    message, hint, _mistake = architecture_problem(gru, RECURRENT)
    assert message == "the model has no LSTM layer (its layers: Embedding, GRU, Dense)"
    assert hint == "GRU is a different recurrent layer: use layers.LSTM(32)."
    assert _mistake == "layer_gru"


def test_a_missing_required_layer_without_a_known_culprit_gets_the_missing_hint():
    message, hint, _mistake = architecture_problem(MLP, CONVOLUTIONAL)
    assert message == "the model has no convolution layer (Conv2D) (its layers: Flatten, Dense, Dropout, Dense)"
    assert hint == "A CNN needs a convolution and a pooling layer."
    assert _mistake == "missing_layer_conv2d"


def test_every_requirement_is_checked():
    no_pooling = _summary(_layer("Conv2D"), _layer("Flatten"), _layer("Dense"))
    message, _, _mistake = architecture_problem(no_pooling, CONVOLUTIONAL)
    assert message.startswith("the model has no pooling layer")


# -- parameters ----------------------------------------------------------------------------------

def test_a_model_over_the_parameter_budget_is_a_problem():
    message, hint, _mistake = params_problem(_summary(_layer("Dense"), params=4_000_001), FULLY_CONNECTED)
    assert message == "the model has 4,000,001 parameters, over this exercise's budget of 4,000,000"
    assert "fewer or smaller layers" in hint and _mistake == "too_many_parameters"


@pytest.mark.parametrize("summary", [_summary(_layer("Dense"), params=4_000_000), {"layers": []}])
def test_a_model_within_the_budget_or_of_unknown_size_passes(summary):
    assert params_problem(summary, FULLY_CONNECTED) is None


# -- predictions, accuracy, confusion matrix -----------------------------------------------------

SIGMOID = np.array([0.1, 0.7, 0.5, 0.51, 0.49, 0.99])
SIGMOID_LABELS = np.array([0, 1, 0, 1, 0, 1])


@pytest.mark.parametrize("predictions", [SIGMOID, SIGMOID.reshape(-1, 1), SIGMOID.astype(np.float32)])
def test_two_class_labels_are_a_sigmoid_output_above_one_half(predictions):
    labels = predicted_labels(predictions, 2)
    assert labels.shape == (6,)
    assert labels.tolist() == SIGMOID_LABELS.tolist()  # 0.5 itself is class 0, as in Keras's binary accuracy


def test_ten_class_labels_are_the_argmax():
    probs = np.full((3, 10), 0.05)
    probs[[0, 1, 2], [7, 0, 9]] = 0.55
    assert predicted_labels(probs, 10).tolist() == [7, 0, 9]


@pytest.mark.parametrize("predictions", [SIGMOID, SIGMOID.reshape(-1, 1)])
def test_two_class_accuracy_is_the_same_for_n_and_n_by_1_outputs(predictions):
    truth = np.array([0, 1, 1, 1, 1, 0])  # predicted 0, 1, 0, 1, 0, 1: three of six right
    assert accuracy(predictions, truth, 2) == pytest.approx(0.5)
    assert accuracy(predictions, list(SIGMOID_LABELS), 2) == 1.0


def test_ten_class_accuracy_compares_the_argmax_with_the_labels():
    probs = np.eye(10)[[3, 3, 5, 9]] * 0.9 + 0.01
    assert accuracy(probs, np.array([3, 5, 5, 9]), 10) == pytest.approx(0.75)


@pytest.mark.parametrize("predictions", [np.array([0.9, 0.2, 0.3, 0.1]), np.array([[0.9], [0.2], [0.3], [0.1]])])
def test_confusion_matrix_rows_are_true_classes_columns_predicted(predictions):
    # true 1, 1, 1, 0; predicted 1, 0, 0, 0: two positives missed, none falsely raised.
    assert confusion_matrix(predictions, np.array([1, 1, 1, 0]), 2) == [[1, 0], [2, 1]]


def test_ten_class_confusion_matrix_counts_each_pair_as_plain_ints():
    truth = np.array([3, 3, 5, 9, 0, 0])
    predicted = np.array([3, 5, 5, 9, 0, 8])
    matrix = confusion_matrix(np.eye(10)[predicted], truth, 10)
    assert len(matrix) == 10 and all(len(row) == 10 for row in matrix)
    assert all(type(n) is int for row in matrix for n in row)  # goes into JSON reports
    assert matrix[3][3] == 1 and matrix[3][5] == 1 and matrix[0][8] == 1
    assert sum(map(sum, matrix)) == 6
    assert sum(matrix[i][i] for i in range(10)) == 4
