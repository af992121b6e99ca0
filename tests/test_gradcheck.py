"""The gradient checker: central differences, rel_error, grad_check's messages."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from course_lib.check import (
    GradientCheckError,
    grad_check,
    numerical_gradient,
    numerical_jacobian,
    rel_error,
)

finite = st.floats(-3, 3, allow_nan=False, width=64)


@given(arrays(np.float64, array_shapes(max_dims=3, max_side=4), elements=finite))
def test_numerical_gradient_of_a_cubic_matches_the_exact_gradient(x):
    # sum(x^3 + 2x) has gradient 3x^2 + 2; central differences are exact up to h^2 |f'''| / 6.
    grad = numerical_gradient(lambda v: np.sum(v ** 3 + 2 * v), x)
    assert grad.shape == x.shape
    np.testing.assert_allclose(grad, 3 * x ** 2 + 2, rtol=1e-8, atol=1e-8)


def test_numerical_gradient_leaves_input_alone_and_accepts_integers():
    x = np.array([1, 2, 3])
    grad = numerical_gradient(lambda v: np.sum(v ** 2), x)
    np.testing.assert_array_equal(x, [1, 2, 3])
    np.testing.assert_allclose(grad, [2.0, 4.0, 6.0], rtol=1e-9)


def test_central_differences_beat_forward_differences():
    h = 1e-3
    central = numerical_gradient(lambda v: np.exp(v[0]), np.array([0.0]), h)[0]
    forward = (np.exp(h) - 1.0) / h
    assert abs(central - 1.0) < 1e-6 < abs(forward - 1.0)


def test_numerical_jacobian_rows_are_gradients_of_components():
    def g(x):
        return np.array([x[0] ** 2 * x[1], 5 * x[0] + np.sin(x[1]), x[0] * x[1]])

    x = np.array([0.7, -1.3])
    exact = np.array([[2 * 0.7 * -1.3, 0.49], [5.0, np.cos(-1.3)], [-1.3, 0.7]])
    jac = numerical_jacobian(g, x)
    assert jac.shape == (3, 2)
    assert rel_error(jac, exact) < 1e-9


def test_rel_error_is_symmetric_bounded_and_zero_for_zeros():
    a, b = np.array([1.0, 0.0, -2.0]), np.array([1.5, 0.0, -2.0])
    assert rel_error(a, b) == rel_error(b, a) == pytest.approx(0.5 / 2.5)
    assert rel_error(np.zeros(3), np.zeros(3)) == 0.0
    assert rel_error(np.array([1.0]), np.array([-1.0])) == 1.0
    with pytest.raises(ValueError, match="equal shapes"):
        rel_error(np.zeros(2), np.zeros(3))


def test_grad_check_passes_a_correct_gradient():
    w = np.array([[0.5, -1.0], [2.0, 0.1]])
    x = np.array([1.0, -3.0])
    err = grad_check(lambda w, x: np.sum((w @ x) ** 2), [w, x],
                     [2 * np.outer(w @ x, x), 2 * w.T @ (w @ x)], names=["w", "x"])
    assert err < 1e-8


def test_grad_check_names_argument_index_and_both_values():
    w = np.array([[0.5, -1.0], [2.0, 0.1]])
    x = np.array([1.0, -3.0])
    wrong_dw = 2 * np.outer(w @ x, x)
    wrong_dw[1, 0] += 1.0
    with pytest.raises(GradientCheckError) as err:
        grad_check(lambda w, x: np.sum((w @ x) ** 2), [w, x],
                   [wrong_dw, 2 * w.T @ (w @ x)], names=["w", "x"])
    message = str(err.value)
    assert "'w'" in message and "(1, 0)" in message
    assert f"analytic {wrong_dw[1, 0]:.10g}" in message
    assert f"numerical {wrong_dw[1, 0] - 1.0:.10g}" in message


def test_grad_check_rejects_a_gradient_of_the_wrong_shape():
    with pytest.raises(GradientCheckError, match=r"shape \(2,\).*shape \(3,\)"):
        grad_check(lambda x: np.sum(x), [np.zeros(3)], [np.zeros(2)], names=["x"])


def test_an_absolute_floor_keeps_a_zero_entry_from_failing_the_check():
    # the notebook's example: f = 2 x1^2 + x2^3 at (-0.5, 0), gradient (-2, 0);
    # central differences give x2's entry as h^2 = 1e-10 (the x2^3 term)
    def f(x):
        return 2 * x[0] ** 2 + x[1] ** 3

    x = np.array([-0.5, 0.0])
    exact = np.array([-2.0, 0.0])
    numeric = numerical_gradient(f, x)
    assert numeric[1] == pytest.approx(1e-10, rel=1e-3)
    assert rel_error(exact, numeric) == pytest.approx(1.0)
    assert rel_error(exact, numeric, floor=1e-2) == pytest.approx(1e-8, rel=1e-3)
    assert grad_check(f, [x], [exact]) == pytest.approx(1e-8, rel=1e-3)


def test_no_tolerance_helps_at_a_kink():
    relu_sum = lambda v: np.sum(np.maximum(0.0, v))  # noqa: E731
    assert numerical_gradient(relu_sum, np.array([1e-7]))[0] == pytest.approx(0.505)
    with pytest.raises(GradientCheckError, match="analytic 1, numerical 0.505"):
        grad_check(relu_sum, [np.array([1e-7])], [np.array([1.0])])
    assert grad_check(relu_sum, [np.array([0.1])], [np.array([1.0])]) < 1e-9


@given(arrays(np.float64, 5, elements=st.floats(-1, 1)),
       arrays(np.float64, 5, elements=st.floats(-1e-6, 1e-6)))
def test_grad_check_rule_is_relative_error_or_absolute_error_near_zero(g, noise):
    # grad_check passes exactly when every entry has relative error <= tol or
    # absolute error <= atol, i.e. when rel_error(..., floor=atol / tol) <= tol
    x = np.zeros(5)
    claimed = g + noise
    tol, atol = 1e-6, 1e-8
    abs_err = np.abs(claimed - g)
    rel = abs_err / np.maximum(np.abs(claimed) + np.abs(g), 1e-300)
    expected_pass = bool(np.all((rel <= tol) | (abs_err <= atol)))
    assert (rel_error(claimed, g, floor=atol / tol) <= tol) == expected_pass
    try:
        grad_check(lambda v: float(g @ v), [x], [claimed], tol=tol, atol=atol)
        passed = True
    except GradientCheckError:
        passed = False
    # the numerical gradient of a linear function is g up to ~1e-11: decide only
    # where the rule is not on the edge
    margin = np.abs(rel_error(claimed, g, floor=atol / tol) - tol) > 1e-7
    if margin:
        assert passed == expected_pass
