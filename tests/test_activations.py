"""Activations: every derivative against central differences in float64, and stability."""

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from course_lib import nn
from course_lib.check import numerical_jacobian

PAIRS = {
    "relu": (nn.relu, nn.relu_grad),
    "leaky_relu": (nn.leaky_relu, nn.leaky_relu_grad),
    "sigmoid": (nn.sigmoid, nn.sigmoid_grad),
    "tanh": (nn.tanh, nn.tanh_grad),
    "step": (nn.step, nn.step_grad),
}

# Away from the kinks at 0 (where ReLU, leaky ReLU and step have no derivative).
smooth_points = arrays(np.float64, array_shapes(max_dims=2, max_side=5),
                       elements=st.floats(-8, 8, allow_nan=False).filter(lambda v: abs(v) > 1e-3))


@pytest.mark.parametrize("name", sorted(PAIRS))
@given(x=smooth_points)
def test_derivative_matches_central_differences(name, x):
    f, df = PAIRS[name]
    # Elementwise f: the Jacobian is diagonal; compare its diagonal with df.
    numeric = np.diagonal(numerical_jacobian(f, x.ravel()))
    np.testing.assert_allclose(df(x).ravel(), numeric, rtol=1e-6, atol=1e-9)
    assert df(x).shape == f(x).shape == x.shape


def test_kink_conventions_and_the_slides_leaky_slope():
    x = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_array_equal(nn.relu_grad(x), [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(nn.leaky_relu(x), [-0.2, 0.0, 3.0])
    np.testing.assert_array_equal(nn.leaky_relu_grad(x), [0.1, 0.1, 1.0])
    np.testing.assert_array_equal(nn.step(x), [0.0, 1.0, 1.0])


def test_relu_is_not_the_absolute_value():
    # The slides' "max{0, x} = |x|" fails for every negative x.
    x = np.array([-2.0, -0.5])
    assert np.all(nn.relu(x) != np.abs(x))
    np.testing.assert_array_equal(nn.relu(x), (x + np.abs(x)) / 2)


def test_sigmoid_derivative_values_from_the_notebook():
    assert nn.sigmoid_grad(0.0) == 0.25
    # sigma(3) = 0.9525741268224334, times 1 - sigma(3)
    np.testing.assert_allclose(nn.sigmoid_grad(np.array([-3.0, 3.0])), 0.045176659730912,
                               rtol=1e-12)


@pytest.mark.parametrize("f", [nn.sigmoid, nn.sigmoid_grad, nn.softmax, nn.softmax_jacobian,
                               nn.tanh], ids=lambda f: f.__name__)
def test_extreme_inputs_give_no_warning_and_no_nan(f):
    x = np.array([-1000.0, -710.0, 0.0, 710.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = f(x)
    assert np.all(np.isfinite(out))


def test_sigmoid_saturates_exactly():
    np.testing.assert_array_equal(nn.sigmoid(np.array([-1000.0, 1000.0])), [0.0, 1.0])


@given(arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 6)),
              elements=st.floats(-1000, 1000, allow_nan=False)))
def test_softmax_rows_are_distributions_and_shift_invariant(z):
    s = nn.softmax(z)
    assert np.all(s >= 0)
    np.testing.assert_allclose(s.sum(axis=-1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(nn.softmax(z - 7.5), s, rtol=1e-9, atol=1e-300)


@given(arrays(np.float64, st.integers(1, 6), elements=st.floats(-5, 5, allow_nan=False)))
def test_softmax_jacobian_matches_central_differences(z):
    jac = nn.softmax_jacobian(z)
    np.testing.assert_allclose(jac, numerical_jacobian(nn.softmax, z), rtol=1e-6, atol=1e-10)
    np.testing.assert_allclose(jac, jac.T, atol=1e-15)
    np.testing.assert_allclose(jac.sum(axis=1), 0.0, atol=1e-15)


def test_softmax_jacobian_of_a_batch_is_one_matrix_per_row():
    z = np.array([[0.0, 0.0, 0.0], [1.0, 2.0, 3.0]])
    jac = nn.softmax_jacobian(z)
    assert jac.shape == (2, 3, 3)
    np.testing.assert_allclose(jac[0], np.eye(3) / 3 - 1 / 9, rtol=1e-12)
    np.testing.assert_allclose(jac[1], nn.softmax_jacobian(z[1]), rtol=1e-12)


@given(st.floats(-30, 30))
def test_sigmoid_and_tanh_are_related(x):
    # tanh(x) = 2 sigma(2x) - 1: two independent implementations agree.
    assert nn.tanh(x) == pytest.approx(2 * nn.sigmoid(2 * x) - 1, abs=1e-12)
