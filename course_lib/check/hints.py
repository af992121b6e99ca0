"""Hints: what kind of mistake a wrong answer looks like.

A hint speaks only when the evidence supports it.  A constant factor is
named only when at least two nonzero values share it and it is a factor
people really get wrong (2, 1/2, 1/n, ...): one value of 0.5 against 0.25
proves nothing, and 21/23 or 1.00136 is no "missing constant".  A wrong
structure (a bare array where a tuple belongs) is named as such, never as
something to reshape.
"""

from fractions import Fraction

import numpy as np

from course_lib.check.describe import kind_of

__all__ = ["plausible_factor", "shape_hint", "structure_problem", "value_hints"]


def plausible_factor(r):
    """``r`` as a factor a student plausibly got wrong ("2", "1/3", "1/64"), else None."""
    if not np.isfinite(r) or r == 0:
        return None
    frac = Fraction(float(r)).limit_denominator(1024)
    if abs(float(frac) - r) > 1e-6 * abs(r) or abs(frac) == 1:
        return None
    p, q = abs(frac.numerator), frac.denominator
    if (p <= 4 and q <= 4) or p == 1 or q == 1:  # 3/2, 1/n, n
        return str(frac)
    return None


def structure_problem(got, expected):
    """A sentence when ``got`` has the wrong kind of structure for ``expected``, else None.

    expected: a tuple means "a tuple of results"; anything else is one number
    or one array.
    """
    if isinstance(expected, tuple):
        n = len(expected)
        example = "`(result,)`, with the comma" if n == 1 else \
                  f"`({', '.join(f'r{k + 1}' for k in range(n))})`"
        entries = f"{n} {'entry' if n == 1 else 'entries'}"
        if not isinstance(got, (tuple, list)):
            return (f"Expected a tuple of {entries}, got {kind_of(got)}: return a tuple, "
                    f"such as {example}.")
        if len(got) != n:
            return f"Expected a tuple of {entries}, got {kind_of(got)}."
        return None
    if isinstance(got, (dict, set, str)) or callable(got):
        what = "a single number" if np.ndim(expected) == 0 else \
               f"an array of shape {np.shape(expected)}"
        return f"Expected {what}, got {kind_of(got)}."
    return None


def shape_hint(got, expected):
    """A sentence for arrays whose shapes differ, or None."""
    if expected.ndim == 0:
        return "return the number itself, not an array or a list holding it" \
            if got.size == 1 else None
    if got.ndim == 2 and got.T.shape == expected.shape:
        return "it looks transposed: rows and columns are swapped (.T)"
    if [d for d in got.shape if d != 1] == [d for d in expected.shape if d != 1]:
        if got.ndim > expected.ndim:
            return ("it has an extra axis of length 1: look for extra brackets, "
                    "or a keepdims=True that should not be there")
        return "an axis of length 1 is missing: keepdims=True in a sum or max keeps it"
    if got.ndim < expected.ndim and got.shape == expected.shape[:got.ndim]:
        return ("only the first axis is there: a loop over range(len(x)) visits the "
                "first axis only, np.ndindex(x.shape) visits every index")
    if got.ndim == expected.ndim + 1 and got.shape[:-1] == expected.shape:
        return "it has one axis too many: did a sum or a mean over the last axis go missing?"
    if got.size == expected.size:
        return ("it has the right number of values, arranged differently: "
                "check along which axis each value is computed")
    return None


def value_hints(got, expected, rtol, atol, mistakes):
    """Sentences that name a recognisable mistake in same-shaped values.

    got: the student's array; expected: float64 array of the same shape.
    mistakes: pairs (wrong_value, explanation), checked first.
    """
    for value, explanation in mistakes:
        try:
            value = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            continue
        if value.shape == got.shape and np.allclose(got, value, rtol=rtol, atol=atol):
            return [explanation]
    hints = []
    if got.dtype.kind in "biu" and not np.allclose(expected, np.round(expected)):
        hints.append("it holds integers: make sure you compute with floats")
    gotf = got.astype(np.float64)
    if np.any(np.abs(expected) > atol) and np.allclose(gotf, -expected, rtol=rtol, atol=atol):
        return hints + ["every value has the wrong sign: a minus sign is missing or extra"
                        if expected.size > 1 else
                        "it has the right size but the wrong sign: a minus sign is missing "
                        "or extra"]
    nonzero = np.abs(expected) > 1e-12
    if nonzero.sum() >= 2 and np.allclose(gotf[~nonzero], 0.0, atol=atol):
        ratios = gotf[nonzero] / expected[nonzero]
        r = float(np.median(ratios))
        factor = plausible_factor(r) if np.allclose(ratios, r, rtol=1e-6) else None
        if factor:
            return hints + [f"every value is {factor} times the expected one: look for a "
                            "missing or extra constant factor (such as 1/2, 2, or 1/n for "
                            "a mean)"]
    diff = gotf - expected
    if expected.size > 1 and np.allclose(diff, diff.flat[0], rtol=1e-6, atol=atol):
        return hints + ["every value is off by the same constant: check the constant terms"]
    worst = float(np.max(np.abs(diff) / np.maximum(np.abs(expected), atol)))
    if not hints and worst < 1e-2:
        where = ("it is float32: compute in float64" if got.dtype == np.float32
                 else "float32 somewhere in the computation")
        hints.append(f"close, but only to a relative {worst:.0e}: look for lost precision "
                     f"({where}) or an approximation where an exact formula is asked for")
    return hints
