"""Known wrong answers, each with what a student reads when an answer matches it.

Test cells pass these to ``check_function(..., mistakes=[...])``.  Every
function here is wrong on purpose: it reproduces a mistake students really
make, so that the check can name the mistake instead of just printing numbers.

A visible test cell must not show a mistake's formula (it is often one step
from the answer): there ``on_cases`` gives a mistake by the values it produces
on the cell's own cases, and the formula stays in the hidden tests.
"""

from typing import Callable, NamedTuple

import numpy as np

from course_lib.numerics import sigmoid as _sigmoid
from course_lib.numerics import softmax as _softmax

__all__ = [
    "FORWARD_DIFFERENCE",
    "INTEGER_STEPS",
    "Mistake",
    "on_cases",
    "SIGMOID_APPLIED_TWICE",
    "SIGMOID_GRAD_OF_INPUT",
    "SOFTMAX_GLOBAL_MAX",
    "SOFTMAX_JACOBIAN_DIAGONAL_ONLY",
    "SOFTMAX_JACOBIAN_WITHOUT_DIAG",
    "SOFTMAX_OVER_ALL",
    "SOFTMAX_OVER_COLUMNS",
    "STEP_IGNORED",
]


class Mistake(NamedTuple):
    wrong: Callable  # same arguments as the exercise's function
    explanation: str


def on_cases(cases, values):
    """A known wrong answer given by its values on a visible test's cases.

    cases: the argument tuples passed to ``check_function`` (a non-tuple is one
    argument); values: {case number: what the mistake gives there}.
    Returns a function of a case's arguments for ``mistakes=[(..., explanation)]``:
    the value listed for that case, or None (no hint) for any other input.
    """
    cases = [case if isinstance(case, tuple) else (case,) for case in cases]

    def wrong(*args):
        for k, case in enumerate(cases):
            if len(case) == len(args) and all(_same(a, c) for a, c in zip(args, case)):
                return values.get(k)
        return None

    return wrong


def _same(a, b):
    if callable(a) or callable(b):
        return a is b
    return np.shape(a) == np.shape(b) and bool(np.all(np.asarray(a) == np.asarray(b)))


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
    "x kept its own type (integers, or float32), so x[i] + h and x[i] - h were rounded "
    "to that type: copy x as float64 first (np.array(x, dtype=np.float64))")

STEP_IGNORED = Mistake(
    lambda f, x, h=1e-5: _difference_quotients(f, np.array(x, dtype=np.float64), 1e-5, True),
    "this is what the step 1e-5 gives, not the step h the function was given: "
    "use the argument h")

SIGMOID_GRAD_OF_INPUT = Mistake(
    lambda x: x * (1 - x),
    "this is x * (1 - x): the formula s * (1 - s) needs s = sigmoid(x), not x")

SIGMOID_APPLIED_TWICE = Mistake(
    lambda x: _sigmoid(_sigmoid(x)) * (1 - _sigmoid(_sigmoid(x))),
    "this is sigma'(sigma(x)): sigmoid was applied twice; the function takes the input x")

SOFTMAX_OVER_COLUMNS = Mistake(
    lambda z: _softmax(z, axis=0),
    "each column sums to 1: normalise along the last axis (axis=-1), one row per sample")

SOFTMAX_GLOBAL_MAX = Mistake(
    lambda z: (lambda e: e / np.sum(e, axis=-1, keepdims=True))(np.exp(z - np.max(z))),
    "the max was taken over the whole batch: a row far below it loses its precision "
    "(or underflows to 0/0); subtract each row's own max (axis=-1, keepdims=True)")

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
