"""Known wrong answers, each with what a student reads when an answer matches it.

Test cells pass these to ``check_function(..., mistakes=[...])``.  Every
function here is wrong on purpose: it reproduces a mistake students really
make, so that the check can name the mistake instead of just printing numbers.
"""

from typing import Callable, NamedTuple

import numpy as np

from course_lib.numerics import sigmoid as _sigmoid
from course_lib.numerics import softmax as _softmax

__all__ = [
    "FORWARD_DIFFERENCE",
    "INTEGER_STEPS",
    "Mistake",
    "SIGMOID_APPLIED_TWICE",
    "SIGMOID_GRAD_OF_INPUT",
    "SOFTMAX_JACOBIAN_DIAGONAL_ONLY",
    "SOFTMAX_JACOBIAN_WITHOUT_DIAG",
    "SOFTMAX_OVER_ALL",
    "SOFTMAX_OVER_COLUMNS",
]


class Mistake(NamedTuple):
    wrong: Callable  # same arguments as the exercise's function
    explanation: str


def _difference_quotients(f, x, h, central):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h if central else old
        f_other = f(x)
        x[i] = old
        grad[i] = (f_plus - f_other) / (2 * h if central else h)
    return grad


FORWARD_DIFFERENCE = Mistake(
    lambda f, x, h=1e-5: _difference_quotients(f, np.array(x, dtype=np.float64), h, False),
    "these are forward differences (f(x+h) - f(x)) / h: use the central difference "
    "(f(x+h) - f(x-h)) / 2h, whose error is of order h^2, not h")

INTEGER_STEPS = Mistake(
    lambda f, x, h=1e-5: _difference_quotients(f, np.array(x), h, True),
    "x holds integers, so x[i] + h and x[i] - h were rounded to whole numbers: "
    "copy x as floats first (np.array(x, dtype=float))")

SIGMOID_GRAD_OF_INPUT = Mistake(
    lambda x: x * (1 - x),
    "this is x * (1 - x): the formula s * (1 - s) needs s = sigmoid(x), not x")

SIGMOID_APPLIED_TWICE = Mistake(
    lambda x: _sigmoid(_sigmoid(x)) * (1 - _sigmoid(_sigmoid(x))),
    "this is sigma'(sigma(x)): sigmoid was applied twice; the function takes the input x")

SOFTMAX_OVER_COLUMNS = Mistake(
    lambda z: _softmax(z, axis=0),
    "each column sums to 1: normalise along the last axis (axis=-1), one row per sample")

SOFTMAX_OVER_ALL = Mistake(
    lambda z: _softmax(np.ravel(z)).reshape(np.shape(z)),
    "the whole batch sums to 1: normalise each row separately (axis=-1, keepdims=True)")

SOFTMAX_JACOBIAN_DIAGONAL_ONLY = Mistake(
    lambda z: np.diag(_softmax(z) * (1 - _softmax(z))),
    "only the diagonal is filled: softmax is not elementwise, every output depends on "
    "every input, so the entries off the diagonal are -s_i s_j")

SOFTMAX_JACOBIAN_WITHOUT_DIAG = Mistake(
    lambda z: -np.outer(_softmax(z), _softmax(z)),
    "the diag(s) part is missing: J = diag(s) - s s^T")
