"""Checks that an answer is exact, not a numerical approximation of it.

A derivative worked out by hand agrees with the right formula to rounding,
about 15 significant digits.  A numerical approximation does not: central
differences agree to about 10 digits (their error is at best of order
eps**(2/3) = 4e-11 relative), np.gradient and forward differences to fewer.
So an answer that is right to 1e-6 but not to 1e-11 was approximated, by
whatever route: this is how a test tells "by hand" from "numerically" without
knowing which numerical route a student took.
"""

import numpy as np

from course_lib.check.feedback import CheckFailed, _copy, _quietly, call, check_function

__all__ = ["EXACT_ATOL", "EXACT_RTOL", "check_exact"]

# A formula differs from another correct formula by a few roundings (1e-15);
# central differences at their best differ by 1e-11 to 1e-10.
EXACT_RTOL = 1e-12
EXACT_ATOL = 1e-12


def check_exact(fn, cases, expected=None, *, reference=None, name=None, hidden=False,
                blocked=(), mistakes=(), rtol=EXACT_RTOL, atol=EXACT_ATOL,
                method="the exact formula, worked out by hand"):
    """``check_function`` (same arguments, its tolerance and its hints), then
    a second check that every answer is right to rounding, not approximately.

    An answer that passes the first but not the second is told that it looks
    like a numerical approximation, how many digits it gets right, and that
    the exercise asks for ``method``.  Use it only where that method is exact
    (a formula by hand, a backward pass) and the inputs are float64.
    """
    check_function(fn, cases, expected, reference=reference, name=name, hidden=hidden,
                   blocked=blocked, mistakes=mistakes)
    name = name or getattr(fn, "__name__", "your function")
    for k, case in enumerate(cases):
        args = case if isinstance(case, tuple) else (case,)
        want = expected[k] if expected is not None else _quietly(reference, args)
        got = call(fn, *map(_copy, args), hidden=hidden, blocked=blocked)
        got = np.asarray(got, dtype=np.float64)
        want = np.asarray(want, dtype=np.float64)
        if np.allclose(got, want, rtol=rtol, atol=atol):
            continue
        err = np.max(np.abs(got - want) / np.maximum(np.abs(want), atol / rtol))
        digits = max(1, int(np.floor(-np.log10(err))))
        where = " on a hidden test" if hidden else ""
        raise CheckFailed(
            f"{name} is close to the right values{where}, but not exact: it agrees to "
            f"about {digits} significant digits, as a numerical approximation (finite "
            f"differences) does.\n  hint: this exercise asks for {method}, which agrees "
            "to about 15 digits.")

