"""Switch off course_lib functions while a student's own version is graded.

An exercise may ask for a function that course_lib also provides (sigmoid_grad,
say).  The test cell calls the student's function inside ``blocked(...)``; if
the student's code just calls course_lib's version, that call raises
``BlockedFunctionError`` and the test fails with a message saying why.

The flag lives on the function object itself, so it catches every way of
reaching it: ``course_lib.nn.sigmoid_grad``, ``from course_lib.nn import
sigmoid_grad as g`` done earlier, or a reference stored in a dict.
"""

import contextlib
import functools

__all__ = ["BlockedFunctionError", "blockable", "blocked"]

_blocked = set()  # wrapper functions currently switched off


class BlockedFunctionError(RuntimeError):
    """Raised when student code calls a course_lib function that is blocked."""


def blockable(fn, name=None):
    """Decorator: make ``fn`` a function that ``blocked`` can switch off.

    name: the public name, when ``fn`` is a private implementation.
    """
    name = name or fn.__name__

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if wrapper in _blocked:
            raise BlockedFunctionError(
                f"course_lib's {name} is switched off while this exercise is "
                f"graded: the exercise asks you to write it yourself, "
                "so your code must not call course_lib's version."
            )
        return fn(*args, **kwargs)

    wrapper.__name__ = wrapper.__qualname__ = name
    wrapper.course_lib_blockable = True
    return wrapper


@contextlib.contextmanager
def blocked(*functions):
    """Context manager: calls to these blockable functions raise inside it."""
    for f in functions:
        if not getattr(f, "course_lib_blockable", False):
            raise TypeError(f"{f!r} is not a blockable course_lib function")
    added = [f for f in functions if f not in _blocked]
    _blocked.update(added)
    try:
        yield
    finally:
        _blocked.difference_update(added)
