"""Checks for notebook test cells that tell a student what went wrong.

Every failure raises ``CheckFailed``.  IPython shows it as its message alone,
without a traceback: the message is written for the student, and the source
lines of a hidden test never appear in a notebook's output or in feedback.

A visible test (``hidden=False``) shows the input, what was expected and what
came.  A hidden test (``hidden=True``) shows neither the input nor the expected
value, only what kind of input it was, in words a student can reproduce
("W: a non-square matrix of shape (3, 4)"), and what kind of mistake the
answer looks like.  How inputs and errors are put into words is in
``describe``; which mistake an answer looks like, in ``hints``.
"""

import warnings

import numpy as np

from course_lib import _kernel
from course_lib._blocking import BlockedFunctionError
from course_lib._blocking import blocked as _blocked
from course_lib.check.describe import (
    argument_label,
    describe_error,
    fmt,
    hidden_inputs,
    kind_of,
)
from course_lib.check.hints import shape_hint, structure_problem, value_hints

__all__ = ["CheckFailed", "NotWrittenYet", "call", "check_array", "check_function",
           "check_that"]


class CheckFailed(AssertionError):
    """A test failed; the message says what is wrong and what to do."""

    WIDTH = _kernel.WIDTH  # lines are wrapped to this for nbgrader's Validate

    def _render_traceback_(self):
        # IPython calls this instead of printing the traceback.
        return _kernel.render(f"{type(self).__name__}: {self}")


class NotWrittenYet(CheckFailed):
    """The exercise still raises NotImplementedError."""


def check_that(condition, message):
    """Fail with ``message`` (written for the student) unless ``condition`` holds.

    For properties that are not a single expected value: "every node comes
    after its inputs", "f was called at most n times".
    """
    if not condition:
        raise CheckFailed(message)


def check_array(got, expected, *, name, rtol=1e-6, atol=1e-10, hidden=False,
                mistakes=(), input_shape=None, inputs=None):
    """Check that ``got`` equals ``expected`` up to rounding; explain if not.

    got: what the student's code produced (array, number, or anything else).
    expected: array or number, the right answer; a tuple means a tuple of
        results (one gradient per input, say), each checked on its own.
    name: what to call the value in the message, e.g. "grad_f([1, 2])".
    rtol, atol: tolerances as in ``np.allclose``.
    hidden: if True, the message shows no values, only shapes and hints.
    mistakes: pairs (wrong_value, explanation): if ``got`` matches a known wrong
        answer, the explanation is shown.
    input_shape: shape of the hidden input, mentioned in a hidden test's message.
    inputs: the hidden input in words (as ``check_function`` describes it);
        takes the place of input_shape.
    """
    if hidden:
        inputs = inputs or (f"an input you have not seen, of shape {input_shape}"
                            if input_shape is not None else "an input you have not seen")
    where = f" on a hidden test ({inputs})" if hidden else ""

    def fail(*lines):
        raise CheckFailed("\n".join([f"{name} is not right{where}.", *lines]))

    if got is None:
        fail("It is None: did you forget `return`?")
    problem = structure_problem(got, expected)
    if problem:
        fail(problem)
    if isinstance(expected, tuple):
        for k, (part, want) in enumerate(zip(got, expected)):
            check_array(part, want, name=f"{name}[{k}]", rtol=rtol, atol=atol, hidden=hidden,
                        inputs=inputs,
                        mistakes=[(m[k], text) for m, text in mistakes
                                  if isinstance(m, tuple) and len(m) == len(expected)])
        return
    integer_answer = np.asarray(expected).dtype.kind in "biu"  # shown as 23, not 23.
    expected = np.asarray(expected, dtype=np.float64)
    given = got
    try:
        got = np.asarray(got)
        gotf = got.astype(np.float64)
    except (TypeError, ValueError):
        fail(f"Expected an array of numbers, got {kind_of(given)}.")
    if got.shape != expected.shape:
        hint = shape_hint(got, expected)
        fail((f"Expected a single number, got {kind_of(given)}" if expected.ndim == 0 else
              f"Expected shape {expected.shape}, got shape {got.shape}")
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
    shown = expected.astype(np.int64) if integer_answer else expected
    lines = [] if hidden else [f"  expected: {_block(shown)}", f"  got:      {_block(got)}"]
    lines += [f"  hint: {h}." for h in value_hints(got, expected, rtol, atol, mistakes)]
    if got.size > 1:
        err = np.abs(gotf - expected) / np.maximum(np.abs(gotf) + np.abs(expected), 1e-300)
        idx = tuple(int(i) for i in np.unravel_index(np.argmax(np.where(close, -1, err)),
                                                     got.shape))
        lines.append(f"  {int((~close).sum())} of {got.size} values differ; "
                     f"the largest relative difference is at index {idx}.")
    fail(*lines)


def _block(a):
    """fmt, with the rows of a matrix lined up under the first one."""
    return fmt(a).replace("\n", "\n" + " " * 12)


_REVERSED = ("it moves away from the input in exactly the opposite direction: a sign in "
             "the update is flipped (gradient descent subtracts the gradient)")


def _copy(arg):
    return arg.copy() if isinstance(arg, np.ndarray) else arg


def check_function(fn, cases, expected=None, *, reference=None, name=None, hidden=False,
                   blocked=(), rtol=1e-6, atol=1e-10, mistakes=()):
    """Call a student's function on test cases and check every answer.

    fn: the student's function.
    cases: list of argument tuples, one per call (a non-tuple is one argument).
    expected: list of right answers, one per case (a tuple for a function that
        returns a tuple); or else
    reference: a function giving the right answer for the same arguments.
    name: the function's name in messages (default: fn.__name__).
    hidden: if True, messages show no inputs and no expected values, only
        what kind of input it was ("W: a non-square matrix of shape (3, 4)").
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
        label = argument_label(name, args, hidden)
        inputs = hidden_inputs(fn, args) if hidden else None
        given = tuple(map(_copy, args))
        got = _call(fn, given, label, hidden, inputs, blocked)
        for a, g in zip(args, given):
            if isinstance(a, np.ndarray) and not np.array_equal(a, g, equal_nan=True):
                raise CheckFailed(f"{label} changed its input array in place. Work on a "
                                  "copy (x = x.copy()) or restore every value you change.")
        wrong = [(w, text) for w, text in ((_known_wrong(m, args), t) for m, t in mistakes)
                 if w is not None]
        x = args[0]
        if (isinstance(x, np.ndarray) and not isinstance(want, tuple)
                and np.shape(want) == x.shape and np.any(x != 0)):
            # an update x -> new x: did it move the opposite way?  (At x = 0 that
            # would be the same as a flipped sign, which value_hints names.)
            wrong.append((2 * x - np.asarray(want), _REVERSED))
        check_array(got, want, name=label, rtol=rtol, atol=atol, hidden=hidden,
                    mistakes=wrong, inputs=inputs)


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
    name = getattr(fn, "__name__", "your function")
    inputs = hidden_inputs(fn, args) if hidden else None
    return _call(fn, args, argument_label(name, args, hidden), hidden, inputs, blocked)


def _call(fn, args, label, hidden, inputs, blocked):
    """Run student code; turn any exception into a message for the student."""
    # " on a hidden test (X: an array of shape (3, 4))", or nothing for a visible test
    on = f" on a hidden test ({inputs})" if hidden else ""
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
        raise NotWrittenYet(f"{label} is not written yet: replace "
                            "`raise NotImplementedError()` with your code.") from None
    except Exception as err:  # any bug in student code becomes a readable message
        raise CheckFailed(describe_error(err, label, hidden, inputs)) from None
    if caught:
        # A warning would reach stderr, and nbgrader scores a cell with stderr 0
        # even when the values are right: say so now, in words.
        w = caught[0]
        raise CheckFailed(f"{label} issued a warning{on}: {w.category.__name__}: "
                          f"{w.message}. Rewrite it so that no warning occurs (an "
                          "overflow in exp, for example, calls for the stable formula).")
    return result
