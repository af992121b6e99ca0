"""The course's one gradient checker: central differences in float64.

Central differences, (f(x + h) - f(x - h)) / 2h, have an error of order h**2;
forward differences, (f(x + h) - f(x)) / h, only of order h.  With h = 1e-5
and smooth functions of moderate size, expect relative errors around 1e-9
or smaller between a correct analytic gradient and ``numerical_gradient``;
an error above 1e-6 almost always means a bug.
"""

import numpy as np

from course_lib._blocking import blockable

__all__ = [
    "GradientCheckError",
    "grad_check",
    "numerical_gradient",
    "numerical_jacobian",
    "rel_error",
]

TINY = 1e-300  # keeps rel_error finite when both values are 0


class GradientCheckError(AssertionError):
    """An analytic gradient disagrees with central differences."""


def _scalar(value, what):
    arr = np.asarray(value, dtype=np.float64)
    if arr.size != 1:
        raise ValueError(f"{what} must return a single number, got shape {arr.shape}")
    return float(arr.reshape(()))


def _numerical_gradient(f, x, h=1e-5):
    """Gradient of a scalar function by central differences, in float64.

    f: callable; f(x) returns a number for an array x of x's shape.
    x: array of any shape (D1, ..., Dk); it is copied, never modified.
    Returns grad: (D1, ..., Dk), grad[i] = (f(x + h e_i) - f(x - h e_i)) / 2h:
    the Jacobian of a function whose output has shape ().
    """
    return _numerical_jacobian(lambda v: _scalar(f(v), "f"), x, h)


def _numerical_jacobian(f, x, h=1e-5):
    """Jacobian of an array function by central differences, in float64.

    f: callable; f(x) returns an array of shape (M1, ..., Mj).
    x: array of shape (D1, ..., Dk); copied, never modified.
    Returns J: (M1, ..., Mj, D1, ..., Dk), J[i, k] = d f_i / d x_k.  For a
    vector function, row i of J is the gradient of the component f_i.
    """
    x = np.array(x, dtype=np.float64)
    out_shape = np.shape(f(x))
    jac = np.zeros(out_shape + x.shape)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        f_plus = np.asarray(f(x), dtype=np.float64)
        x[idx] = old - h
        f_minus = np.asarray(f(x), dtype=np.float64)
        x[idx] = old
        jac[(...,) + idx] = (f_plus - f_minus) / (2 * h)
    return jac


# The public names can be blocked while a student writes their own version;
# the checkers in course_lib call the private ones, which are never blocked.
numerical_gradient = blockable(_numerical_gradient, "numerical_gradient")
numerical_jacobian = blockable(_numerical_jacobian, "numerical_jacobian")


def rel_error(a, b):
    """Largest elementwise relative error, max |a - b| / max(|a| + |b|, tiny).

    a, b: arrays of the same shape (or numbers).  Returns a float in [0, 1].
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"rel_error needs equal shapes, got {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), TINY)))


def grad_check(f, args, grads, *, names=None, h=1e-6, tol=1e-6, atol=1e-10):
    """Compare analytic gradients of a scalar function with central differences.

    f: callable f(*args) -> number.
    args: sequence of arrays, the point where gradients are checked.
    grads: sequence of arrays, grads[i] the claimed d f / d args[i] (same shape).
    names: optional names of the arguments, used in the failure message.
    An element passes when its relative error is at most ``tol`` or its
    absolute error at most ``atol`` (for gradients that are 0 up to rounding).
    Returns the largest relative error; raises GradientCheckError naming the
    argument, the index and both values of the worst element otherwise.
    """
    args = [np.asarray(a, dtype=np.float64) for a in args]
    names = list(names) if names is not None else [f"args[{i}]" for i in range(len(args))]
    worst = 0.0
    for i, (arg, analytic) in enumerate(zip(args, grads, strict=True)):
        analytic = np.asarray(analytic, dtype=np.float64)
        if analytic.shape != arg.shape:
            raise GradientCheckError(
                f"gradient for argument '{names[i]}' has shape {analytic.shape}, "
                f"but the argument has shape {arg.shape}"
            )

        def f_of_arg(value, i=i):
            return f(*args[:i], value, *args[i + 1:])

        numeric = _numerical_gradient(f_of_arg, arg, h)
        abs_err = np.abs(analytic - numeric)
        rel = abs_err / np.maximum(np.abs(analytic) + np.abs(numeric), TINY)
        bad = (rel > tol) & (abs_err > atol)
        if bad.any():
            idx = tuple(int(k) for k in
                        np.unravel_index(np.argmax(np.where(bad, rel, -1.0)), arg.shape))
            raise GradientCheckError(
                f"gradient for argument '{names[i]}' is wrong at index {idx}: "
                f"analytic {analytic[idx]:.10g}, numerical {numeric[idx]:.10g} "
                f"(relative error {rel[idx]:.2e} > {tol:.0e})"
            )
        worst = max(worst, float(np.max(rel, initial=0.0)))
    return worst
