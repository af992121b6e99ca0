"""Checks for notebook test cells that tell a student what went wrong.

Every failure raises ``CheckFailed``.  IPython shows it as its message alone,
without a traceback: the message is written for the student, and the source
lines of a hidden test never appear in a notebook's output or in feedback.

A visible test (``hidden=False``) shows the input, what was expected and what
came.  A hidden test (``hidden=True``) shows neither the input nor the expected
value, only the input's shape and what kind of mistake the answer looks like.
"""

import textwrap
import warnings
from fractions import Fraction

import numpy as np

from course_lib._blocking import BlockedFunctionError
from course_lib._blocking import blocked as _blocked

__all__ = ["CheckFailed", "call", "check_array", "check_function", "check_that"]


class CheckFailed(AssertionError):
    """A test failed; the message says what is wrong and what to do."""

    # nbgrader's Validate indents each line by 4 and cuts it past 87 characters
    WIDTH = 83

    def _render_traceback_(self):
        # IPython calls this instead of printing the traceback.
        lines = []
        for line in f"{type(self).__name__}: {self}".splitlines():
            indent = " " * (len(line) - len(line.lstrip()))
            lines += textwrap.wrap(line, self.WIDTH, subsequent_indent=indent + "  ",
                                   break_long_words=False, break_on_hyphens=False) or [""]
        return lines


def check_that(condition, message):
    """Fail with ``message`` (written for the student) unless ``condition`` holds.

    For properties that are not a single expected value: "every node comes
    after its inputs", "f was called at most n times".
    """
    if not condition:
        raise CheckFailed(message)


def _fmt(a):
    return np.array2string(np.asarray(a), precision=6, separator=", ", threshold=24,
                           suppress_small=True)


def _shape_hint(got, expected):
    """A sentence for a shape mismatch, or None."""
    if got.ndim == 2 and got.T.shape == expected.shape:
        return "it looks transposed: rows and columns are swapped (.T)"
    if got.size == expected.size:
        return (f"it has the right number of values but the wrong shape; "
                f"reshape it to {expected.shape}")
    if got.ndim == expected.ndim + 1 and got.shape[:-1] == expected.shape:
        return "it has one axis too many: did a sum or a mean over the last axis go missing?"
    return None


def _factor_text(r):
    frac = Fraction(r).limit_denominator(64)
    if abs(float(frac) - r) > 1e-9 * max(1.0, abs(r)):
        return f"{r:.6g}"
    return str(frac)


def _value_hints(got, expected, rtol, atol, mistakes):
    """Sentences that name a recognisable mistake in same-shaped values."""
    for value, explanation in mistakes:
        value = np.asarray(value, dtype=np.float64)
        if value.shape == got.shape and np.allclose(got, value, rtol=rtol, atol=atol):
            return [explanation]
    hints = []
    if got.dtype.kind in "biu" and not np.allclose(expected, np.round(expected)):
        hints.append("it holds integers: make sure you compute with floats")
    gotf = got.astype(np.float64)
    if np.any(np.abs(expected) > atol) and np.allclose(gotf, -expected, rtol=rtol, atol=atol):
        return hints + ["every value has the wrong sign: a minus sign is missing or extra"]
    mask = np.abs(expected) > 1e-12
    if mask.any() and np.allclose(gotf[~mask], 0.0, atol=atol):
        ratios = gotf[mask] / expected[mask]
        r = float(np.median(ratios))
        if abs(r) > 1e-12 and np.allclose(ratios, r, rtol=1e-6) and not np.isclose(r, 1.0):
            hints.append(
                f"every value is {_factor_text(r)} times the expected one: look for a "
                "missing or extra constant factor (such as 1/2, 2, or 1/n for a mean)"
            )
            return hints
    diff = gotf - expected
    if expected.size > 1 and np.allclose(diff, diff.flat[0], rtol=1e-6, atol=atol):
        hints.append("every value is off by the same constant: check the constant terms")
    return hints


def check_array(got, expected, *, name, rtol=1e-6, atol=1e-10, hidden=False,
                mistakes=(), input_shape=None):
    """Check that ``got`` equals ``expected`` up to rounding; explain if not.

    got: what the student's code produced (array, number, or anything else).
    expected: array or number, the right answer.
    name: what to call the value in the message, e.g. "grad_f([1, 2])".
    rtol, atol: tolerances as in ``np.allclose``.
    hidden: if True, the message shows no values, only shapes and hints.
    mistakes: pairs (wrong_value, explanation): if ``got`` matches a known wrong
        answer, the explanation is shown.
    input_shape: shape of the hidden input, mentioned in a hidden test's message.
    """
    expected = np.asarray(expected, dtype=np.float64)
    where = (f" on a hidden test (an input you have not seen"
             f"{f', of shape {input_shape}' if input_shape is not None else ''})"
             if hidden else "")

    def fail(*lines):
        raise CheckFailed("\n".join([f"{name} is not right{where}.", *lines]))

    if got is None:
        fail("It is None: did you forget `return`?")
    try:
        got = np.asarray(got)
        gotf = got.astype(np.float64)
    except (TypeError, ValueError):
        fail(f"Expected an array of numbers, got {type(got).__name__}.")
    if got.shape != expected.shape:
        hint = _shape_hint(got, expected)
        fail(f"Expected shape {expected.shape}, got shape {got.shape}"
             + (f": {hint}." if hint else "."))
    bad = ~np.isfinite(gotf) & np.isfinite(expected)
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        fail(f"It contains {gotf[idx]} (at index {idx}) where a finite number belongs: "
             "look for an overflow (exp of a large number), a division by zero, "
             "or log of 0.")
    close = np.isclose(gotf, expected, rtol=rtol, atol=atol)
    if close.all():
        return
    lines = [] if hidden else [f"  expected: {_fmt(expected)}", f"  got:      {_fmt(got)}"]
    lines += [f"  hint: {h}." for h in _value_hints(got, expected, rtol, atol, mistakes)]
    if got.ndim > 0:
        err = np.abs(gotf - expected) / np.maximum(np.abs(gotf) + np.abs(expected), 1e-300)
        idx = tuple(int(i) for i in np.unravel_index(np.argmax(np.where(close, -1, err)),
                                                     got.shape))
        lines.append(f"  {int((~close).sum())} of {got.size} values differ; "
                     f"the largest relative difference is at index {idx}.")
    fail(*lines)


_REVERSED = ("it moves away from the input in exactly the opposite direction: a sign in "
             "the update is flipped (gradient descent subtracts the gradient)")


def _describe(arg):
    """An argument as a message shows it: short values in full, long ones summarised."""
    if isinstance(arg, np.ndarray):
        return _fmt(arg) if arg.size <= 6 else f"an array of shape {arg.shape}"
    if callable(arg):
        return getattr(arg, "__name__", "a function")
    text = repr(arg)
    if len(text) <= 24:
        return text
    if isinstance(arg, (dict, list, tuple, set)):
        return f"a {type(arg).__name__} of {len(arg)} entries"
    return text[:20] + "..."


def _label(name, args, hidden):
    """How messages name a call, and the shape of its first array argument (or None)."""
    label = name if hidden else f"{name}({', '.join(map(_describe, args))})"
    return label, next((a.shape for a in args if isinstance(a, np.ndarray)), None)


def _copy(arg):
    return arg.copy() if isinstance(arg, np.ndarray) else arg


def check_function(fn, cases, expected=None, *, reference=None, name=None, hidden=False,
                   blocked=(), rtol=1e-6, atol=1e-10, mistakes=()):
    """Call a student's function on test cases and check every answer.

    fn: the student's function.
    cases: list of argument tuples, one per call (a non-tuple is one argument).
    expected: list of right answers, one per case; or else
    reference: a function giving the right answer for the same arguments.
    name: the function's name in messages (default: fn.__name__).
    hidden: if True, messages show no inputs and no expected values.
    blocked: the other routes to the answer, switched off while ``fn`` runs:
        course_lib functions, or ``course_lib.check.other_routes(...)``, which
        also takes the notebook's own functions and classes such as ``Value``.
    mistakes: pairs (wrong_function, explanation): when the answer equals
        wrong_function(*case), the explanation is shown.
    """
    if (expected is None) == (reference is None):
        raise TypeError("give exactly one of expected= or reference=")
    name = name or getattr(fn, "__name__", "your function")
    for k, case in enumerate(cases):
        args = case if isinstance(case, tuple) else (case,)
        want = expected[k] if expected is not None else _quietly(reference, args)
        label, shape = _label(name, args, hidden)
        given = tuple(map(_copy, args))
        got = _call(fn, given, label, hidden, shape, blocked)
        for a, g in zip(args, given):
            if isinstance(a, np.ndarray) and not np.array_equal(a, g, equal_nan=True):
                raise CheckFailed(f"{label} changed its input array in place. Work on a "
                                  "copy (x = x.copy()) or restore every value you change.")
        wrong = [(w, text) for w, text in ((_known_wrong(m, args), t) for m, t in mistakes)
                 if w is not None]
        if isinstance(args[0], np.ndarray) and np.shape(want) == args[0].shape:
            # an update x -> new x: did it move the opposite way?
            wrong.append((2 * args[0] - np.asarray(want), _REVERSED))
        check_array(got, want, name=label, rtol=rtol, atol=atol, hidden=hidden,
                    mistakes=wrong, input_shape=shape)


def _known_wrong(mistake, args):
    """A known wrong answer for these arguments, or None where it cannot be computed
    (``X @ W.T`` for a W that is not square, say)."""
    try:
        return _quietly(mistake, args)
    except Exception:  # noqa: BLE001  a mistake that does not apply to this input
        return None


def _quietly(fn, args):
    """Evaluate a reference or a known wrong answer without printing warnings.

    A known wrong answer may well overflow; its warning must not reach stderr,
    where nbgrader would count it against the student.
    """
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return fn(*map(_copy, args))


def call(fn, *args, hidden=False, blocked=()):
    """Call a student's function for a custom check; return what it returns.

    Any exception, warning, endless loop or blocked call becomes a
    ``CheckFailed`` with a message for the student, as in ``check_function``.
    """
    label, shape = _label(getattr(fn, "__name__", "your function"), args, hidden)
    return _call(fn, args, label, hidden, shape, blocked)


def _call(fn, args, label, hidden, shape, blocked):
    """Run student code; turn any exception into a message for the student."""
    # " on a hidden test input of shape (3, 4)", or nothing for a visible test
    on = (f" on a hidden test input{f' of shape {shape}' if shape is not None else ''}"
          if hidden else "")
    try:
        with _blocked(*blocked), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = fn(*args)
    except BlockedFunctionError as err:
        raise CheckFailed(f"{label}: {err}") from None
    except KeyboardInterrupt:
        # nbgrader interrupts a cell that runs past its time limit.
        raise CheckFailed(f"{label} was stopped{on}: it ran past the time limit for one "
                          "cell. Look for a loop that never ends.") from None
    except NotImplementedError:
        raise CheckFailed(f"{label} is not written yet: replace "
                          "`raise NotImplementedError()` with your code.") from None
    except Exception as err:  # any bug in student code becomes a readable message
        raise CheckFailed(f"{label} raised {type(err).__name__}: {err}{on}. "
                          "Run it yourself on such an input to see where.") from None
    if caught:
        # A warning would reach stderr, and nbgrader scores a cell with stderr 0
        # even when the values are right: say so now, in words.
        w = caught[0]
        raise CheckFailed(f"{label} issued a warning{on}: {w.category.__name__}: "
                          f"{w.message}. Rewrite it so that no warning occurs (an "
                          "overflow in exp, for example, calls for the stable formula).")
    return result
