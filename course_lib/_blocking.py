"""Switch off the other routes to an answer while a student's function is graded.

An exercise asks for one way to a number: a gradient worked out by hand, a
backward pass in reverse mode.  Other routes reach the same number without
that work: course_lib's own version, the student's numerical gradient from an
earlier exercise, the scalar engine ``Value``.  A test cell runs the student's
function inside ``blocked(...)``; a call to a blocked route raises
``BlockedFunctionError``, whose message says what was switched off and why,
and the test fails with that message.

What can be blocked, and how every way of reaching it is caught:

  * a course_lib function made ``blockable``: the function checks a flag;
  * any other Python function (a student's own, from another exercise): its
    code is swapped for code that raises, so an alias, a default argument or
    a dict entry holding the function is caught as well;
  * a class (``Value``): every method raises, construction included;
  * a name in a namespace (a ``Route`` whose target is a str, made by
    ``course_lib.check.other_routes``): whatever the name holds when the block
    starts is blocked as above.  A name not defined yet (an exercise further
    down that nbgrader has not run yet) is bound to a blocker meanwhile.

Everything is put back when the block ends, also after an exception.
"""

import contextlib
import functools
import types
from typing import Any, NamedTuple

__all__ = ["BlockedFunctionError", "Route", "blockable", "blocked", "check_blockable"]

COURSE_LIB_WHY = ("the exercise asks you to write it yourself, so your code must not call "
                  "course_lib's version")
OTHER_WHY = "the exercise asks for its own way to the answer, not this one"

_flagged = {}  # blockable wrapper -> its message, while blocked
_swapped = {}  # function -> its own code, class -> its own methods, while blocked


class BlockedFunctionError(RuntimeError):
    """Raised when student code calls something that is switched off."""


class Route(NamedTuple):
    """One route to switch off.

    target: a function, a class, or a name (str) in ``namespace``.
    why: what the exercise asks for instead, for the student's message.
    namespace: the dict a name lives in (a notebook's globals).
    """

    target: Any
    why: str | None = None
    namespace: dict | None = None


def blockable(fn, name=None):
    """Decorator: make ``fn`` a course_lib function that ``blocked`` can switch off.

    name: the public name, when it differs from ``fn.__name__``.
    """
    name = name or fn.__name__

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        message = _flagged.get(wrapper)
        if message is not None:
            raise BlockedFunctionError(message)
        return fn(*args, **kwargs)

    wrapper.__name__ = wrapper.__qualname__ = name
    wrapper.course_lib_blockable = True
    return wrapper


@contextlib.contextmanager
def blocked(*routes):
    """Context manager: inside it, calling any of ``routes`` raises BlockedFunctionError.

    routes: Routes, or functions and classes to block with the default reason.
    """
    # Every blocker is made before anything is switched off: making one may run
    # ``exec`` (a raiser's code), and course-grade's integrity monitor compares
    # course_lib's classes at every exec, so it must not see one already swapped.
    blockers = [_block(route if isinstance(route, Route) else Route(route)) for route in routes]
    with contextlib.ExitStack() as stack:
        for blocker in blockers:
            stack.enter_context(blocker)
        yield


def check_blockable(target):
    """Raise TypeError unless ``blocked`` can switch ``target`` off."""
    if not isinstance(target, (str, types.FunctionType, type)):
        raise TypeError(f"{target!r} cannot be blocked: give a function, a class, "
                        "or the name of one in the notebook")


def _block(route):
    target, why, namespace = route
    check_blockable(target)
    if not isinstance(target, str):
        return _block_object(target, _message(_describe(target), why, target))
    if namespace is None:
        raise TypeError(f"the name {target!r} needs the namespace it lives in")
    value = namespace.get(target)
    mine = not _from_course_lib(value)
    what = f"your {target}" if mine else _describe(value)
    message = _message(what, why, value)
    if isinstance(value, (types.FunctionType, type)):
        with contextlib.suppress(TypeError):  # e.g. a closure whose code cannot be matched
            return _block_object(value, message)
    return _rebound(namespace, target, message)


def _from_course_lib(obj):
    return (getattr(obj, "course_lib_blockable", False)
            or (getattr(obj, "__module__", None) or "").split(".")[0] == "course_lib")


def _describe(obj):
    name = getattr(obj, "__qualname__", getattr(obj, "__name__", repr(obj)))
    if _from_course_lib(obj):
        return f"course_lib's {name}"
    module = getattr(obj, "__module__", None)
    return name if module in (None, "__main__", "builtins") else f"{module}.{name}"


def _message(what, why, obj):
    why = why or (COURSE_LIB_WHY if _from_course_lib(obj) else OTHER_WHY)
    return f"{what} is switched off while this exercise is graded: {why}."


def _block_object(obj, message):
    if getattr(obj, "course_lib_blockable", False):
        return _flag(obj, message)
    if isinstance(obj, type):
        return _methods_swapped(obj, message)
    return _code_swapped(obj, message)


@contextlib.contextmanager
def _flag(wrapper, message):
    if wrapper in _flagged:  # an outer block has it already
        yield
        return
    _flagged[wrapper] = message
    try:
        yield
    finally:
        del _flagged[wrapper]


def _raiser_code(message, freevars):
    """Code that raises BlockedFunctionError(message), with the given free variables
    (a function's code can only be swapped for code with the same ones)."""
    lines = ["def _outer_():"]
    if freevars:
        lines.append(f"    {' = '.join(freevars)} = None")
    lines.append("    def _blocked_(*_args_, **_kwargs_):")
    if freevars:
        lines.append(f"        {', '.join(freevars)},")
    lines += ["        raise __import__('course_lib._blocking', fromlist=['_'])"
              f".BlockedFunctionError({message!r})",
              "    return _blocked_"]
    # compiled, never executed: course-grade's monitor checks the state at every exec of
    # code from outside the libraries, and would find the routes blocked so far swapped
    module = compile("\n".join(lines), "<course_lib blocker>", "exec")
    outer = next(c for c in module.co_consts if isinstance(c, types.CodeType))
    code = next(c for c in outer.co_consts if isinstance(c, types.CodeType))
    if code.co_freevars != tuple(freevars):
        raise TypeError("cannot match the function's free variables")
    return code


def _code_swapped(fn, message):
    if fn in _swapped:
        return contextlib.nullcontext()
    raiser = _raiser_code(message, fn.__code__.co_freevars)  # TypeError: cannot block it

    @contextlib.contextmanager
    def swapped():
        if fn in _swapped:  # an earlier route of the same block has it already
            yield
            return
        _swapped[fn] = fn.__code__
        fn.__code__ = raiser
        try:
            yield
        finally:
            fn.__code__ = _swapped.pop(fn)

    return swapped()


# Methods a blocked class keeps: they show or compare objects, they do no work.
_KEEP = frozenset({"__repr__", "__str__", "__format__", "__hash__", "__eq__", "__ne__",
                   "__del__", "__getattribute__", "__getattr__", "__setattr__", "__delattr__",
                   "__dir__", "__init_subclass__", "__subclasshook__", "__class_getitem__"})
_MISSING = object()


def _blocked_methods(cls, message):
    """{name: replacement} for every method, property and constructor of ``cls``."""
    def raiser(*args, **kwargs):
        raise BlockedFunctionError(message)

    kinds = {staticmethod: staticmethod, classmethod: classmethod, property: property,
             types.FunctionType: lambda f: f}
    new = {}
    for name, attr in vars(cls).items():
        wrap = kinds.get(type(attr))
        if wrap is not None and name not in _KEEP:
            new[name] = wrap(raiser)
    new.setdefault("__init__", raiser)
    return new


@contextlib.contextmanager
def _methods_swapped(cls, message):
    if cls in _swapped:
        yield
        return
    own = vars(cls)
    saved = _swapped[cls] = {}
    try:
        for name, replacement in _blocked_methods(cls, message).items():
            previous = own.get(name, _MISSING)
            setattr(cls, name, replacement)  # TypeError for a built-in class
            saved[name] = previous
        yield
    finally:
        for name, previous in _swapped.pop(cls).items():
            if previous is _MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, previous)


@contextlib.contextmanager
def _rebound(namespace, name, message):
    """Bind ``name`` to a blocker, then put back what it held (or nothing)."""
    def raiser(*args, **kwargs):
        raise BlockedFunctionError(message)

    previous = namespace.get(name, _MISSING)
    namespace[name] = raiser
    try:
        yield
    finally:
        if namespace.get(name) is raiser:  # unless the student's code rebound it meanwhile
            if previous is _MISSING:
                del namespace[name]
            else:
                namespace[name] = previous
