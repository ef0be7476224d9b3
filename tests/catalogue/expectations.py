"""The verdict each catalogue submission must get when graded with the hidden checks.

Every ``<exercise>/<file>.py`` beside this module is a realistic student
submission. A correct one (``CORRECT``) must get full marks. A wrong one
(``wrong(check=hint part, ...)``) must fail exactly the named checks, each with
a hint containing the given text (case-insensitive), and pass every other
check: the mistake is in one function only, so the other targets keep their
points (unless they call that function, as ex08's perceptron calls heaviside:
then their checks are named too, each with the hint it gives for that mistake).

The hint parts are distinctive words of the hint a student who made that
mistake should read: the ``Mistake`` hint of the check in
``solutions/<exercise>/checks.py``, the check's own ``hint``, or one of the
generic hints of ``autograder/compare/values.py`` (shape, NaN).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Expected:
    #: check name -> a distinctive, case-insensitive part of the hint it must give
    fails: dict[str, str] = field(default_factory=dict)
    #: the status of the failing checks
    status: str = "failed"

    @property
    def correct(self) -> bool:
        return not self.fails


CORRECT = Expected()


def wrong(**fails: str) -> Expected:
    return Expected(dict(fails))


# Distinctive parts of the hints, as worded in solutions/*/checks.py and compare/values.py.
SHAPE_ORDER = "order of the matrix product"  # values.py: a shape that is not transposed nor same-size
SHAPE_SAME_SIZE = "the shape is not"  # values.py: same number of values, other shape
TRANSPOSED = "The result is transposed"  # values.py: (k, n) for (n, k)
OVERFLOW = "overflow"  # values.py (NaN / inf) or a check hint about exp overflowing

EXPECTATIONS: dict[str, Expected] = {
    # ---------------------------------------------------------------- ex01_sigmoid
    "ex01_sigmoid/ok_expit.py": CORRECT,
    "ex01_sigmoid/ok_tanh_identity.py": CORRECT,
    "ex01_sigmoid/ok_stable_where.py": CORRECT,
    "ex01_sigmoid/ok_float32.py": CORRECT,
    "ex01_sigmoid/ok_math_loop.py": CORRECT,
    "ex01_sigmoid/wrong_sigmoid_tanh.py": wrong(
        sigmoid_values="That is tanh", sigmoid_extremes="That is tanh", sigmoid_random="That is tanh"),
    "ex01_sigmoid/wrong_sigmoid_relu.py": wrong(
        sigmoid_values="That is ReLU", sigmoid_extremes="That is ReLU", sigmoid_random="That is ReLU"),
    "ex01_sigmoid/wrong_sigmoid_sign.py": wrong(
        sigmoid_values="sign in the exponent", sigmoid_extremes="sign in the exponent",
        sigmoid_random="sign in the exponent"),
    "ex01_sigmoid/wrong_sigmoid_no_one.py": wrong(
        sigmoid_values="The 1 + is missing", sigmoid_extremes="The 1 + is missing",
        sigmoid_random="The 1 + is missing"),
    # exp(1000) / (1 + exp(1000)) = inf / inf = NaN: the check written for exactly this
    # mistake has its own hint about exp(1000) overflowing.
    "ex01_sigmoid/wrong_sigmoid_naive_overflow.py": wrong(
        sigmoid_extremes="exp(1000) overflows", sigmoid_random=OVERFLOW),
    "ex01_sigmoid/wrong_sigmoid_math_exp.py": wrong(
        sigmoid_values="math.exp", sigmoid_extremes="math.exp", sigmoid_random="math.exp"),
    "ex01_sigmoid/wrong_pnh_no_bias.py": wrong(
        predict_no_hidden_values="The bias is missing", predict_no_hidden_random="The bias is missing"),
    "ex01_sigmoid/wrong_pnh_no_activation.py": wrong(
        predict_no_hidden_values="output activation is missing",
        predict_no_hidden_random="output activation is missing"),
    "ex01_sigmoid/wrong_pnh_tanh.py": wrong(
        predict_no_hidden_values="That is tanh", predict_no_hidden_random="That is tanh"),
    # W @ X: a shape error on 3 rows; on 1 row (2, 1) @ (1, 2) runs and gives (2, 2).
    "ex01_sigmoid/wrong_pnh_w_matmul_x.py": wrong(
        predict_no_hidden_values="not W @ X", predict_no_hidden_random=SHAPE_ORDER),
    "ex01_sigmoid/wrong_pnh_dot_w_x.py": wrong(
        predict_no_hidden_values="not np.dot(W, X)", predict_no_hidden_random=SHAPE_ORDER),
    "ex01_sigmoid/wrong_pnh_transposed_output.py": wrong(
        predict_no_hidden_values=TRANSPOSED, predict_no_hidden_random=TRANSPOSED),
    "ex01_sigmoid/wrong_pnh_flat.py": wrong(
        predict_no_hidden_values=SHAPE_SAME_SIZE, predict_no_hidden_random=SHAPE_SAME_SIZE),
    "ex01_sigmoid/wrong_p_fake_z.py": wrong(
        p_fake_is_probability="between 0 and 1", p_fake_value="That is z itself"),
    "ex01_sigmoid/wrong_p_fake_sign.py": wrong(p_fake_value="sign in the exponent"),
    "ex01_sigmoid/wrong_p_fake_no_bias.py": wrong(p_fake_value="The bias b = 1.0"),
    "ex01_sigmoid/wrong_p_fake_weights_swapped.py": wrong(p_fake_value="w1 multiplies x1"),
    "ex01_sigmoid/wrong_p_fake_string.py": wrong(
        p_fake_is_probability="Assign a number", p_fake_value="Compute z = w1*x1"),
    # ----------------------------------------------------------- ex02_forward_pass
    "ex02_forward_pass/ok_matmul.py": CORRECT,
    "ex02_forward_pass/ok_dot_expit.py": CORRECT,
    "ex02_forward_pass/ok_layer_loop.py": CORRECT,
    "ex02_forward_pass/ok_row_loop.py": CORRECT,
    "ex02_forward_pass/ok_float32.py": CORRECT,
    "ex02_forward_pass/ok_einsum.py": CORRECT,
    "ex02_forward_pass/wrong_hidden_no_activation.py": wrong(
        predict_hidden_course="hidden layer needs its activation",
        predict_hidden_random="hidden layer needs its activation"),
    "ex02_forward_pass/wrong_hidden_no_output_activation.py": wrong(
        predict_hidden_course="output needs the sigmoid", predict_hidden_random="output needs the sigmoid"),
    "ex02_forward_pass/wrong_hidden_no_b1.py": wrong(
        predict_hidden_course="hidden bias b1 is missing", predict_hidden_random="hidden bias b1 is missing"),
    "ex02_forward_pass/wrong_hidden_no_b2.py": wrong(
        predict_hidden_course="output bias b2 is missing", predict_hidden_random="output bias b2 is missing"),
    "ex02_forward_pass/wrong_hidden_no_biases.py": wrong(
        predict_hidden_course="A bias is missing", predict_hidden_random="A bias is missing"),
    "ex02_forward_pass/wrong_hidden_relu.py": wrong(
        predict_hidden_course="not ReLU", predict_hidden_random="not ReLU"),
    "ex02_forward_pass/wrong_hidden_tanh.py": wrong(
        predict_hidden_course="not tanh", predict_hidden_random="not tanh"),
    "ex02_forward_pass/wrong_hidden_transposed_w1.py": wrong(
        predict_hidden_course="without transposing", predict_hidden_random="without transposing"),
    "ex02_forward_pass/wrong_hidden_dot_w1_x.py": wrong(
        predict_hidden_course="np.dot(X, W1)", predict_hidden_random="np.dot(X, W1)"),
    "ex02_forward_pass/wrong_hidden_flat_output.py": wrong(
        predict_hidden_course=SHAPE_SAME_SIZE, predict_hidden_random=SHAPE_SAME_SIZE),
    "ex02_forward_pass/wrong_two_hidden_skip_layer.py": wrong(
        predict_two_hidden_course="second hidden layer is skipped",
        predict_two_hidden_random="second hidden layer is skipped"),
    "ex02_forward_pass/wrong_two_hidden_second_linear.py": wrong(
        predict_two_hidden_course="the second one too", predict_two_hidden_random="the second one too"),
    "ex02_forward_pass/wrong_two_hidden_first_linear.py": wrong(
        predict_two_hidden_course="first hidden layer needs its sigmoid",
        predict_two_hidden_random="first hidden layer needs its sigmoid"),
    "ex02_forward_pass/wrong_two_hidden_no_output_activation.py": wrong(
        predict_two_hidden_course="output needs the sigmoid",
        predict_two_hidden_random="output needs the sigmoid"),
    "ex02_forward_pass/wrong_two_hidden_no_biases.py": wrong(
        predict_two_hidden_course="biases are missing", predict_two_hidden_random="biases are missing"),
    "ex02_forward_pass/wrong_two_hidden_relu.py": wrong(
        predict_two_hidden_course="not ReLU", predict_two_hidden_random="not ReLU"),
    # The course's W2_ is 8 x 8 (and so is the first hidden case's), so hidden1 @ W2.T
    # runs and gives wrong values instead of a shape error.
    "ex02_forward_pass/wrong_two_hidden_transposed_w2.py": wrong(
        predict_two_hidden_course="without transposing", predict_two_hidden_random="without transposing"),
    # ------------------------------------------------------ ex03_decision_boundary
    "ex03_decision_boundary/ok_reference_style.py": CORRECT,
    "ex03_decision_boundary/ok_list_and_where.py": CORRECT,
    "ex03_decision_boundary/ok_array_and_probability.py": CORRECT,
    "ex03_decision_boundary/ok_bool_labels.py": CORRECT,
    "ex03_decision_boundary/ok_loop_column.py": CORRECT,
    "ex03_decision_boundary/wrong_boundary_swapped.py": wrong(
        decision_boundary_course="are swapped", decision_boundary_random="are swapped"),
    "ex03_decision_boundary/wrong_boundary_signs.py": wrong(
        decision_boundary_course="The signs are wrong", decision_boundary_random="The signs are wrong"),
    "ex03_decision_boundary/wrong_boundary_slope_sign.py": wrong(
        decision_boundary_course="slope's sign is wrong", decision_boundary_random="slope's sign is wrong"),
    "ex03_decision_boundary/wrong_boundary_divide_by_b1.py": wrong(
        decision_boundary_course="not by b1", decision_boundary_random="not by b1"),
    "ex03_decision_boundary/wrong_boundary_log_odds_half.py": wrong(
        decision_boundary_course="are 0, not 0.5", decision_boundary_random="are 0, not 0.5"),
    "ex03_decision_boundary/wrong_boundary_zero_division.py": wrong(
        decision_boundary_vertical="Dividing by b2 = 0 fails",
        decision_boundary_vertical_hidden="raise ValueError before dividing"),
    # For b2 == 0 the answer is (inf, nan, ...) instead of a ValueError.
    "ex03_decision_boundary/wrong_boundary_returns_inf.py": wrong(
        decision_boundary_vertical="raise ValueError", decision_boundary_vertical_hidden="if b2 == 0"),
    # Python floats raise ZeroDivisionError, np.float32(0) divides to inf without raising.
    "ex03_decision_boundary/wrong_boundary_catch_zero_division.py": wrong(
        decision_boundary_vertical_hidden="if b2 == 0"),
    "ex03_decision_boundary/wrong_boundary_assert.py": wrong(
        decision_boundary_vertical="raise ValueError", decision_boundary_vertical_hidden="if b2 == 0"),
    "ex03_decision_boundary/wrong_class_threshold_half.py": wrong(
        predict_class_course="not with 0.5", predict_class_random="not with 0.5"),
    # Points exactly on the boundary (log-odds 0) must get label 1.
    "ex03_decision_boundary/wrong_class_strict.py": wrong(
        predict_class_course="use >=, not >", predict_class_random="use >=, not >"),
    "ex03_decision_boundary/wrong_class_round.py": wrong(
        predict_class_course="use >=, not >", predict_class_random="use >=, not >"),
    "ex03_decision_boundary/wrong_class_flipped.py": wrong(
        predict_class_course="wrong way round", predict_class_random="wrong way round"),
    "ex03_decision_boundary/wrong_class_probabilities.py": wrong(
        predict_class_course="not the probabilities", predict_class_random="not the probabilities"),
    # ------------------------------------------------------------------- ex04_nll
    "ex04_nll/ok_reference_style.py": CORRECT,
    "ex04_nll/ok_where_one_hot.py": CORRECT,
    "ex04_nll/ok_loops_math.py": CORRECT,
    "ex04_nll/ok_float32_keras.py": CORRECT,
    "ex04_nll/ok_sum_divided.py": CORRECT,
    "ex04_nll/wrong_binary_sum.py": wrong(
        nll_binary_values="the NLL is the mean", nll_binary_clipping="the NLL is the mean",
        nll_binary_random="the NLL is the mean", nll_binary_many="the NLL is the mean"),
    "ex04_nll/wrong_binary_positive.py": wrong(
        nll_binary_values="*negative*", nll_binary_clipping="*negative*",
        nll_binary_random="*negative*", nll_binary_many="*negative*"),
    "ex04_nll/wrong_binary_log10.py": wrong(
        nll_binary_values="not np.log10", nll_binary_clipping="not np.log10",
        nll_binary_random="not np.log10", nll_binary_many="not np.log10"),
    "ex04_nll/wrong_binary_no_negative_class.py": wrong(
        nll_binary_values="(1 - y) * log(1 - p) term is missing",
        nll_binary_clipping="(1 - y) * log(1 - p) term is missing",
        nll_binary_random="(1 - y) * log(1 - p) term is missing",
        nll_binary_many="(1 - y) * log(1 - p) term is missing"),
    # p = 0 or 1 gives log(0) = -inf: the clipping checks carry a hint for exactly this.
    "ex04_nll/wrong_binary_no_clip.py": wrong(
        nll_binary_clipping="clip p to [1e-7", nll_binary_random="clip p to [1e-7"),
    "ex04_nll/wrong_binary_eps_1e15.py": wrong(
        nll_binary_clipping="different epsilon", nll_binary_random="different epsilon"),
    # 3000 or 5000 probabilities multiplied underflow (to 0, or to the smallest subnormal).
    "ex04_nll/wrong_binary_product.py": wrong(
        nll_binary_random="product of thousands", nll_binary_many="product of thousands"),
    "ex04_nll/wrong_categorical_columns.py": wrong(
        nll_categorical_values="P[:, y] picks whole columns",
        nll_categorical_clipping="P[:, y] picks whole columns",
        nll_categorical_random="P[:, y] picks whole columns"),
    "ex04_nll/wrong_categorical_sum.py": wrong(
        nll_categorical_values="the NLL is the mean", nll_categorical_clipping="the NLL is the mean",
        nll_categorical_random="the NLL is the mean"),
    "ex04_nll/wrong_categorical_positive.py": wrong(
        nll_categorical_values="*negative*", nll_categorical_clipping="*negative*",
        nll_categorical_random="*negative*"),
    "ex04_nll/wrong_categorical_log10.py": wrong(
        nll_categorical_values="not np.log10", nll_categorical_clipping="not np.log10",
        nll_categorical_random="not np.log10"),
    "ex04_nll/wrong_categorical_all_classes.py": wrong(
        nll_categorical_values="only the probability of each example's true class",
        nll_categorical_clipping="only the probability of each example's true class",
        nll_categorical_random="only the probability of each example's true class"),
    "ex04_nll/wrong_categorical_no_clip.py": wrong(
        nll_categorical_clipping="clip p to [1e-7", nll_categorical_random="clip p to [1e-7"),
    "ex04_nll/wrong_categorical_math_log_no_clip.py": wrong(
        nll_categorical_clipping="clip p to [1e-7", nll_categorical_random="clip p to [1e-7"),
    # ------------------------------------------------------------ ex08_perceptron
    "ex08_perceptron/ok_reference_style.py": CORRECT,
    "ex08_perceptron/ok_np_heaviside.py": CORRECT,
    "ex08_perceptron/ok_float32.py": CORRECT,
    "ex08_perceptron/ok_python_loops.py": CORRECT,
    "ex08_perceptron/ok_bool_predictions.py": CORRECT,
    # heaviside(0) = 0: perceptron_predict and perceptron_fit call heaviside, so every check of the
    # three fails, each with its own hint about heaviside(0) = 1 (the fit's first prediction).
    "ex08_perceptron/wrong_heaviside_strict.py": wrong(
        heaviside_values="heaviside(0) = 1", heaviside_random="heaviside(0) = 1",
        perceptron_predict_values="use z >= 0, not z > 0", perceptron_predict_random="use z >= 0, not z > 0",
        perceptron_fit_and_or="first prediction is heaviside(0)", perceptron_fit_xor="first prediction is heaviside(0)",
        perceptron_fit_random="first prediction is heaviside(0)"),
    "ex08_perceptron/wrong_heaviside_half.py": wrong(
        heaviside_values="np.heaviside(z, 0.5)", heaviside_random="np.heaviside(z, 0.5)"),
    "ex08_perceptron/wrong_heaviside_sign.py": wrong(
        heaviside_values="sign function sgn(z)", heaviside_random="sign function sgn(z)"),
    # `if z >= 0:` works on numbers: the fit (one sample at a time) passes, the vectorised
    # perceptron_predict raises "truth value of an array is ambiguous".
    "ex08_perceptron/wrong_heaviside_if.py": wrong(
        heaviside_values="work for a single number only", heaviside_random="work for a single number only",
        perceptron_predict_values="must work elementwise on an array",
        perceptron_predict_random="must work elementwise on an array"),
    # z >= 0 on a number is a bool, which the grader does not take for a number (a boolean array
    # passes): predict and fit still work.
    "ex08_perceptron/wrong_heaviside_bool.py": wrong(
        heaviside_values="not True and False", heaviside_random="not True and False"),
    "ex08_perceptron/wrong_predict_no_bias.py": wrong(
        perceptron_predict_values="The bias is missing", perceptron_predict_random="The bias is missing"),
    "ex08_perceptron/wrong_predict_w_matmul_x.py": wrong(
        perceptron_predict_values="not w @ X", perceptron_predict_random="not w @ X"),
    "ex08_perceptron/wrong_predict_sigmoid.py": wrong(
        perceptron_predict_values="That is the sigmoid", perceptron_predict_random="That is the sigmoid"),
    "ex08_perceptron/wrong_fit_no_bias_update.py": wrong(
        perceptron_fit_and_or="The bias must learn too", perceptron_fit_xor="The bias must learn too",
        perceptron_fit_random="The bias must learn too"),
    "ex08_perceptron/wrong_fit_prediction_update.py": wrong(
        perceptron_fit_and_or="not with the prediction", perceptron_fit_xor="not with the prediction",
        perceptron_fit_random="not with the prediction"),
    # On XOR, the label and prediction - label updates end at the same weights: one hint names both.
    "ex08_perceptron/wrong_fit_label_update.py": wrong(
        perceptron_fit_and_or="not with the label y_i", perceptron_fit_xor="not with the label y_i alone",
        perceptron_fit_random="not with the label y_i"),
    "ex08_perceptron/wrong_fit_flipped_error.py": wrong(
        perceptron_fit_and_or="moves the weights away", perceptron_fit_xor="nor with prediction_i - y_i",
        perceptron_fit_random="moves the weights away"),
    # The XOR cases use lr = 1, where the learning rate changes nothing.
    "ex08_perceptron/wrong_fit_no_lr.py": wrong(
        perceptron_fit_and_or="Multiply each update by the learning rate",
        perceptron_fit_random="Multiply each update by the learning rate"),
    "ex08_perceptron/wrong_fit_random_start.py": wrong(
        perceptron_fit_and_or="not random numbers", perceptron_fit_xor="not random numbers",
        perceptron_fit_random="not random numbers"),
    "ex08_perceptron/wrong_fit_one_epoch.py": wrong(
        perceptron_fit_and_or="That is one pass", perceptron_fit_xor="That is one pass",
        perceptron_fit_random="That is one pass"),
    # On XOR the weights at the end of every epoch from the second on are the same, and AND and
    # OR have converged after 10 epochs: AND after 4 epochs and the hidden sets show the extra one.
    "ex08_perceptron/wrong_fit_extra_epoch.py": wrong(
        perceptron_fit_and_or="one pass too many or too few", perceptron_fit_random="one pass too many or too few"),
    "ex08_perceptron/wrong_fit_batch.py": wrong(
        perceptron_fit_and_or="(batch) rule", perceptron_fit_xor="(batch) rule", perceptron_fit_random="(batch) rule"),
    "ex08_perceptron/wrong_fit_returns_b_w.py": wrong(
        perceptron_fit_and_or="the weights first", perceptron_fit_xor="the weights first",
        perceptron_fit_random="the weights first"),
    # Integer X: np.zeros_like(X[0]) is an integer array and `w += 0.5 * ...` cannot be cast back.
    "ex08_perceptron/wrong_fit_int_weights.py": wrong(
        perceptron_fit_and_or="np.zeros_like(X[0]) is an integer array",
        perceptron_fit_xor="np.zeros_like(X[0]) is an integer array",
        perceptron_fit_random="np.zeros_like(X[0]) is an integer array"),
    "ex08_perceptron/wrong_fit_column_w.py": wrong(
        perceptron_fit_and_or="one weight per feature", perceptron_fit_xor="one weight per feature",
        perceptron_fit_random="one weight per feature"),
    "ex08_perceptron/wrong_xor_one.py": wrong(xor_best_accuracy_value="No perceptron classifies all four"),
    "ex08_perceptron/wrong_xor_half.py": wrong(xor_best_accuracy_value="not the best any perceptron can do"),
    "ex08_perceptron/wrong_xor_count.py": wrong(
        xor_best_accuracy_is_fraction="a number between 0 and 1", xor_best_accuracy_value="a count of points"),
    "ex08_perceptron/wrong_xor_percent.py": wrong(
        xor_best_accuracy_is_fraction="a number between 0 and 1", xor_best_accuracy_value="not a percentage"),
}
