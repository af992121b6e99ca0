"""The course's one gradient checker: central differences in float64.

Central differences, (f(x + h) - f(x - h)) / 2h, have a truncation error of
about h**2 |f'''| / 6; forward differences, (f(x + h) - f(x)) / h, of about
h |f''| / 2.  Rounding adds about eps |f| / h (eps = 2.2e-16 in float64), so
with h = 1e-5 a correct gradient of a smooth function of moderate size agrees
with ``numerical_gradient`` to about 1e-10 (the best possible is of order
eps**(2/3) = 4e-11).

The rule, one for the notebooks and for ``grad_check``: compare entry by entry,

    |a - n| / max(|a| + |n|, floor)  <=  tol        (tol = 1e-6, floor = 1e-2)

that is, a relative error of at most 1e-6, or for entries near 0 an absolute
error of at most tol * floor = 1e-8.  Without the floor, an entry that is 0
compares its rounding noise with itself: at (-0.5, 0) the gradient (-2, 0) of
2 x1**2 + x2**3 against the numerical (-2, 1e-10) has relative error 1.0.

No tolerance helps at a kink.  Within h of one, central differences average
the slopes on both sides: for ReLU at x = 1e-7 with h = 1e-5 the numerical
slope is 0.505 against the true 1.  Check such functions away from their kinks.
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


# Blockable: while a student writes their own numerical gradient (or a
# gradient by hand), these and everything built on them are switched off.
@blockable
def numerical_gradient(f, x, h=1e-5):
    """Gradient of a scalar function by central differences, in float64.

    f: callable; f(x) returns a number for an array x of x's shape.
    x: array of any shape (D1, ..., Dk); it is copied, never modified.
    Returns grad: (D1, ..., Dk), grad[i] = (f(x + h e_i) - f(x - h e_i)) / 2h:
    the Jacobian of a function whose output has shape ().
    """
    return numerical_jacobian(lambda v: _scalar(f(v), "f"), x, h)


@blockable
def numerical_jacobian(f, x, h=1e-5):
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


def _errors(a, b, floor):
    return np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), max(floor, TINY))


def rel_error(a, b, floor=0.0):
    """Largest elementwise relative error, max |a - b| / max(|a| + |b|, floor).

    a, b: arrays of the same shape (or numbers).  Returns a float in [0, 1].
    floor: an absolute floor for the denominator.  With floor = 0 an entry that
        is 0 in one and rounding noise in the other has error 1; with a floor,
        entries smaller than it are compared by their absolute difference
        (divided by floor).  ``grad_check`` uses floor = atol / tol = 1e-2.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"rel_error needs equal shapes, got {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(_errors(a, b, floor)))


def grad_check(f, args, grads, *, names=None, h=1e-5, tol=1e-6, atol=1e-8):
    """Compare analytic gradients of a scalar function with central differences.

    f: callable f(*args) -> number.
    args: sequence of arrays, the point where gradients are checked (away
        from kinks: see the module docstring).
    grads: sequence of arrays, grads[i] the claimed d f / d args[i] (same shape).
    names: optional names of the arguments, used in the failure message.
    An element passes when its relative error is at most ``tol`` or its
    absolute error at most ``atol``: the same as
    ``rel_error(analytic, numerical, floor=atol / tol) <= tol``.
    Returns that largest error; raises GradientCheckError naming the argument,
    the index and both values of the worst element otherwise.
    """
    floor = atol / tol
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

        numeric = numerical_gradient(f_of_arg, arg, h)
        err = _errors(analytic, numeric, floor)
        if err.size and err.max() > tol:
            idx = tuple(int(k) for k in np.unravel_index(np.argmax(err), arg.shape))
            raise GradientCheckError(
                f"gradient for argument '{names[i]}' is wrong at index {idx}: "
                f"analytic {analytic[idx]:.10g}, numerical {numeric[idx]:.10g} "
                f"(relative error {err[idx]:.2e} > {tol:.0e}, "
                f"with an absolute floor of {floor:g})"
            )
        worst = max(worst, float(np.max(err, initial=0.0)))
    return worst
