"""How failure messages show a test's inputs and a student's error.

A visible test names its arguments (short values in full); a hidden test
describes them in words a student can reproduce without seeing them
("W: a non-square matrix of shape (3, 4)").  An exception from student code
is shown with the line of the student's own code where it happened, and with
NumPy's terse shape errors put into words.  Nothing here ever shows a line of
the test cell itself: that is where hidden tests live.
"""

import inspect
import math
import sys
import traceback
from pathlib import Path

import numpy as np

from course_lib._kernel import explain

__all__ = ["argument_label", "describe_error", "fmt", "hidden_inputs", "kind_of"]

_COURSE_LIB = str(Path(__file__).resolve().parent.parent)
_LIBRARY_PREFIXES = tuple({sys.prefix, sys.base_prefix, sys.exec_prefix, _COURSE_LIB})


def fmt(a):
    """A value as messages print it: integers as integers, floats to 6 digits."""
    a = np.asarray(a)
    if a.ndim == 0 and a.dtype.kind == "f":
        return np.format_float_positional(a, precision=6, trim="0", unique=True)
    return np.array2string(a, precision=6, separator=", ", threshold=24, suppress_small=True)


def _short(arg):
    """An argument of a visible test: short values in full, long ones summarised."""
    if isinstance(arg, np.ndarray):
        if arg.size > 6:
            return f"an array of shape {arg.shape}"
        return fmt(arg) if arg.ndim < 2 else str(arg.tolist())  # one line
    if callable(arg):
        return getattr(arg, "__name__", "a function")
    text = repr(arg)
    if len(text) <= 24:
        return text
    if isinstance(arg, (dict, list, tuple, set)):
        return f"a {type(arg).__name__} of {len(arg)} entries"
    return text[:20] + "..."


def argument_label(name, args, hidden):
    """How messages name a call: ``f(x, 2)`` for a visible test, ``f`` for a hidden one.

    A name that is a description ("f on a (2, 3) matrix") is used as it is.
    """
    if hidden or " " in name:
        return name
    return f"{name}({', '.join(map(_short, args))})"


def _entries(n):
    return f"{n} {'entry' if n == 1 else 'entries'}"


def kind_of(value):
    """What a value is, in words, without showing it ("a list of 3 entries")."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return "a NumPy number (an array of shape ())"
        kind = "an integer array" if value.dtype.kind in "biu" else "a NumPy array"
        return f"{kind} of shape {value.shape}"
    if isinstance(value, (bool, np.bool_)):
        return "a bool"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple, dict, set)):
        return f"a {type(value).__name__} of {_entries(len(value))}"
    if callable(value):
        return "a function"
    return f"a {type(value).__name__}"


def _hidden_kind(value):
    """kind_of, with what matters for reproducing a hidden input's failure."""
    if not isinstance(value, np.ndarray) or value.ndim == 0:
        return kind_of(value)
    if value.ndim == 2:
        square = "a square" if value.shape[0] == value.shape[1] else "a non-square"
        text = f"{square} {'integer ' if value.dtype.kind in 'biu' else ''}matrix " \
               f"of shape {value.shape}"
    else:
        text = kind_of(value)
    if value.dtype.kind in "fc" and value.size:
        finite = np.abs(value[np.isfinite(value)])
        if finite.size and finite.max() >= 100:
            text += f" with large entries (up to about 1e{int(math.log10(finite.max()))})"
    return text


def hidden_inputs(fn, args):
    """A hidden call's arguments in words: "X: an array of shape (5, 3); f: a function"."""
    try:
        params = [p.name for p in inspect.signature(fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    names = params[:len(args)] + [f"argument {k + 1}" for k in range(len(params), len(args))]
    return "; ".join(f"{n}: {_hidden_kind(a)}" for n, a in zip(names, args))


def _is_library(filename):
    return filename.startswith(_LIBRARY_PREFIXES) or filename.startswith("<frozen")


def _test_files():
    """Files of the code that called the check (the test cell): never quoted."""
    files, frame = set(), sys._getframe(1)
    while frame is not None:
        name = frame.f_code.co_filename
        if not _is_library(name):
            files.add(name)
        frame = frame.f_back
    return files


def _student_line(err, test_files):
    """(line number, source) of the last line of student code in err's traceback."""
    for frame in reversed(traceback.extract_tb(err.__traceback__)):
        if not _is_library(frame.filename) and frame.filename not in test_files:
            return frame.lineno, (frame.line or "").strip()
    return None


def describe_error(err, label, hidden, inputs):
    """The message for an exception raised by student code."""
    on = f" on a hidden test ({inputs})" if hidden and inputs else \
         " on a hidden test" if hidden else ""
    lines = [f"{label} raised {type(err).__name__}{on}: {explain(err)}."]
    where = _student_line(err, _test_files())
    if where and where[1]:
        lines.append(f"  in your code, line {where[0]}: {where[1]}")
    lines.append("  Make an input of that kind and call your function on it to see the "
                 "whole traceback." if hidden else
                 "  Call it yourself with these arguments to see the whole traceback.")
    return "\n".join(lines)
