"""The other routes to an exercise's answer, switched off while its test runs.

A test cell lists them once and passes them to ``check_function(...,
blocked=...)`` or ``call(..., blocked=...)``::

    BY_HAND = other_routes(numerical_gradient, Value, "numerical_grad", "q",
                           why="work the gradient out by hand")
    check_function(grad_q, cases, reference=exact_grad_q, blocked=BY_HAND)

A str names a function or class of the notebook (a student's answer to another
exercise, a helper defined in a visible cell).  It is looked up when the test
runs, so it may name an exercise further down: nbgrader runs the notebook from
the top, but a student in JupyterLab may have run that cell already.
"""

import sys

from course_lib._blocking import Route, check_blockable

__all__ = ["other_routes"]


def other_routes(*targets, why=None, namespace=None):
    """Routes for ``blocked=``: calling any of them fails the test with a message.

    targets: course_lib functions (``numerical_gradient``), classes (``Value``),
        other functions, and names (str) of the notebook's own functions.
    why: what the exercise asks for instead, shown to a student who takes
        such a route; by default a general sentence.
    namespace: where names are looked up; by default the globals of the
        calling cell (the notebook's).
    Returns a tuple of Routes; tuples add up (``BY_HAND + (nn.relu_grad,)``).
    """
    if namespace is None:
        namespace = sys._getframe(1).f_globals
    for target in targets:
        check_blockable(target)
    return tuple(Route(t, why, namespace if isinstance(t, str) else None) for t in targets)
