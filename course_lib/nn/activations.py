"""Activation functions and their derivatives, elementwise on arrays.

Each ``f`` has a partner ``f_grad`` with f_grad(x) = f'(x), evaluated at the
*input* x (not at the output f(x)).  All take an array x of any shape and
return an array of the same shape, in float64.

At a kink (ReLU and leaky ReLU at 0, step at 0) the derivative does not exist;
we use the value from the right-hand side of the slides' definitions
("x if x > 0, else 0.1 x"), i.e. the slope for x <= 0.

Every function here is ``blockable``, and functions built on another one call
it by its public name: blocking ``sigmoid_grad`` while a student writes their
own also blocks every course_lib route to it (``engine.rules.sigmoid_backward``,
its tangent rule).  ``_sigmoid``, ``_sigmoid_grad`` and ``_softmax`` are older
names for the same functions.
"""

import numpy as np

from course_lib._blocking import blockable

__all__ = [
    "LEAKY_SLOPE",
    "leaky_relu",
    "leaky_relu_grad",
    "relu",
    "relu_grad",
    "sigmoid",
    "sigmoid_grad",
    "softmax",
    "softmax_jacobian",
    "step",
    "step_grad",
    "tanh",
    "tanh_grad",
]

LEAKY_SLOPE = 0.1  # the slides' leaky ReLU: 0.1 x for x <= 0


def _f64(x):
    return np.asarray(x, dtype=np.float64)


@blockable
def relu(x):
    """max(0, x).  Note: this is not |x|; the two differ for every x < 0."""
    return np.maximum(0.0, _f64(x))


@blockable
def relu_grad(x):
    """1 where x > 0, else 0."""
    return (_f64(x) > 0).astype(np.float64)


@blockable
def leaky_relu(x, slope=LEAKY_SLOPE):
    """x where x > 0, else slope * x."""
    x = _f64(x)
    return np.where(x > 0, x, slope * x)


@blockable
def leaky_relu_grad(x, slope=LEAKY_SLOPE):
    """1 where x > 0, else slope."""
    return np.where(_f64(x) > 0, 1.0, slope)


@blockable
def sigmoid(x):
    """1 / (1 + exp(-x)), computed without overflow for any x.

    For x >= 0 use 1 / (1 + e^-x); for x < 0 the equal form e^x / (1 + e^x).
    Both only ever exponentiate a number <= 0, so exp never overflows.
    """
    x = _f64(x)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


@blockable
def sigmoid_grad(x):
    """sigma'(x) = sigma(x) (1 - sigma(x)), at the input x."""
    s = sigmoid(x)
    return s * (1.0 - s)


@blockable
def tanh(x):
    """Hyperbolic tangent, (e^x - e^-x) / (e^x + e^-x)."""
    return np.tanh(_f64(x))


@blockable
def tanh_grad(x):
    """1 - tanh(x)**2."""
    return 1.0 - np.tanh(_f64(x)) ** 2


@blockable
def step(x, theta=0.0):
    """Threshold unit: 1 where x >= theta, else 0."""
    return (_f64(x) >= theta).astype(np.float64)


@blockable
def step_grad(x, theta=0.0):
    """0 everywhere (undefined at theta): why step units cannot be trained by gradients."""
    return np.zeros_like(_f64(x))


@blockable
def softmax(z, axis=-1):
    """exp(z_i) / sum_j exp(z_j) along ``axis``, without overflow.

    z: (..., K).  Returns (..., K), entries in [0, 1] summing to 1 along axis.
    Subtracting max(z) first changes nothing mathematically (the factor
    e^-max cancels) but keeps every exponent <= 0.
    """
    z = _f64(z)
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


@blockable
def softmax_jacobian(z):
    """Jacobian of softmax over the last axis: J[..., i, j] = d s_i / d z_j.

    z: (..., K).  Returns (..., K, K) with J = diag(s) - s s^T, s = softmax(z).
    """
    s = softmax(z)
    eye = np.eye(s.shape[-1])
    return s[..., :, None] * (eye - s[..., None, :])


_sigmoid, _sigmoid_grad, _softmax = sigmoid, sigmoid_grad, softmax  # older names
