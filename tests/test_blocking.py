"""Blocking the other routes to an answer: every way of reaching a route is caught,
and everything is put back afterwards (course_lib/_blocking.py, check/routes.py)."""

import functools

import numpy as np
import pytest

from course_lib import nn
from course_lib.check import (
    BlockedFunctionError,
    CheckFailed,
    blocked,
    check_exact,
    check_function,
    numerical_gradient,
    other_routes,
)
from course_lib.engine import Value, rules
from course_lib.nn import MLP


def notebook():
    """A namespace like a notebook's: the student's numerical_grad, a helper using it."""
    ns = {"__name__": "__main__", "np": np}
    exec("def numerical_grad(f, x, h=1e-5):\n"
         "    return np.array([(f(x + h) - f(x - h)) / (2 * h)])\n"
         "def by_hand(x):\n"
         "    return numerical_grad(lambda v: v ** 2, x)\n", ns)
    return ns


def raises_blocked(fn, *args):
    with pytest.raises(BlockedFunctionError) as err:
        fn(*args)
    return str(err.value)


def test_a_students_function_is_caught_however_it_is_reached():
    ns = notebook()
    own = ns["numerical_grad"]
    alias, table = own, {"ng": own}
    exec("def captured(x, ng=numerical_grad):\n    return ng(lambda v: v, x)\n", ns)
    routes = other_routes("numerical_grad", why="work it out by hand", namespace=ns)
    with blocked(*routes):
        for call in (lambda: ns["by_hand"](1.0), lambda: alias(abs, 1.0),
                     lambda: table["ng"](abs, 1.0), lambda: ns["captured"](1.0)):
            message = raises_blocked(call)
            assert message == ("your numerical_grad is switched off while this exercise "
                               "is graded: work it out by hand.")
    assert ns["by_hand"](3.0) == pytest.approx([6.0])  # put back
    assert ns["numerical_grad"] is own


def test_a_name_not_defined_yet_is_blocked_and_removed_again():
    # nbgrader runs exercise 1's test before exercise 2's cell; in JupyterLab the
    # student may have run it already.  Either way the call must fail the same way.
    ns = notebook()
    exec("def early(x):\n    return later(x)\n", ns)
    with blocked(*other_routes("later", namespace=ns)):
        assert "your later is switched off" in raises_blocked(ns["early"], 1.0)
    assert "later" not in ns


def test_a_name_holding_another_callable_is_rebound_and_restored():
    ns = notebook()
    partial = functools.partial(pow, 2)
    ns["twice"] = partial
    exec("def uses(x):\n    return twice(x)\n", ns)
    with blocked(*other_routes("twice", namespace=ns)):
        raises_blocked(ns["uses"], 3)
    assert ns["twice"] is partial and ns["uses"](3) == 8


def test_decorated_functions_with_closures_are_blocked_too():
    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args):
            return fn(*args)
        return wrapper

    @decorate
    def helper(x):
        return x + 1

    keep = helper
    with blocked(helper):
        raises_blocked(keep, 1)
    assert keep(1) == 2


def test_a_class_is_blocked_in_every_method_and_put_back_exactly():
    before = dict(vars(Value))
    with blocked(Value):
        raises_blocked(Value, 2.0)
        raises_blocked(MLP, [2, 1])  # built on Value
    assert dict(vars(Value)) == before
    assert (Value(2.0) * 3).data == 6.0


def test_class_methods_static_methods_properties_and_subclasses():
    class Thing:
        def __init__(self):
            self.x = 1

        @property
        def double(self):
            return 2 * self.x

        @classmethod
        def make(cls):
            return cls()

        @staticmethod
        def helper():
            return 3

    class Child(Thing):
        pass

    made = Thing()
    with blocked(Thing):
        for call in (Thing, Child, Thing.make, Thing.helper, lambda: made.double):
            raises_blocked(call)
        assert repr(made).startswith("<")  # showing an object still works
    assert Thing.make().double == 2 and Child.helper() == 3


def test_blocking_a_course_lib_function_blocks_every_course_lib_route_to_it():
    with blocked(nn.sigmoid_grad):
        for call in (lambda: nn.sigmoid_grad(0.0), lambda: rules.sigmoid_backward(1.0, 0.0),
                     lambda: rules.TANGENT["sigmoid"]([0.0], [1.0]),
                     lambda: nn.activations._sigmoid_grad(0.0)):
            assert "course_lib's sigmoid_grad is switched off" in raises_blocked(call)
        assert nn.sigmoid(0.0) == 0.5  # what the exercise allows still works
    with blocked(numerical_gradient):
        from course_lib.check import grad_check
        raises_blocked(grad_check, lambda x: float(np.sum(x)), [np.zeros(2)], [np.ones(2)])


def test_nested_blocks_of_the_same_route_release_it_only_at_the_outer_end():
    ns = notebook()
    routes = other_routes("numerical_grad", namespace=ns)
    with blocked(Value, *routes):
        with blocked(Value, *routes):
            pass
        raises_blocked(Value, 1.0)
        raises_blocked(ns["by_hand"], 1.0)
    assert ns["by_hand"](1.0) == pytest.approx([2.0])


def test_everything_is_put_back_after_an_exception():
    ns = notebook()
    with pytest.raises(ZeroDivisionError):
        with blocked(Value, nn.relu, *other_routes("numerical_grad", "missing", namespace=ns)):
            1 / 0
    assert Value(1.0).data == 1.0 and nn.relu(1.0) == 1.0
    assert ns["by_hand"](1.0) == pytest.approx([2.0]) and "missing" not in ns


def test_names_are_looked_up_in_the_calling_cell_when_the_test_runs():
    ns = notebook()
    exec("from course_lib.check import other_routes\n"
         "ROUTES = other_routes('numerical_grad', 'Value')\n"
         "from course_lib.engine import Value\n", ns)
    exec("def numerical_grad(f, x):\n    return 'redefined'\n", ns)  # after other_routes()
    with blocked(*ns["ROUTES"]):
        assert "your numerical_grad" in raises_blocked(ns["numerical_grad"], abs, 1.0)
        assert "course_lib's Value" in raises_blocked(ns["Value"], 1.0)
    assert ns["numerical_grad"](abs, 1.0) == "redefined"


def test_what_cannot_be_blocked_is_refused_when_the_routes_are_listed():
    with pytest.raises(TypeError, match="cannot be blocked"):
        other_routes(np.exp)
    with pytest.raises(TypeError, match="needs the namespace"):
        with blocked("numerical_grad"):
            pass


def test_a_blocked_route_becomes_a_message_in_the_test_without_traceback():
    ns = notebook()
    with pytest.raises(CheckFailed) as err:
        check_function(ns["by_hand"], [np.array([1.0])], expected=[[2.0]],
                       blocked=other_routes("numerical_grad", Value, namespace=ns,
                                            why="work the derivative out by hand"))
    assert str(err.value) == ("by_hand([1.]): your numerical_grad is switched off while this "
                              "exercise is graded: work the derivative out by hand.")


def test_check_exact_tells_an_approximation_from_a_formula():
    xs = [np.array([0.3, -1.2]), np.array([2.0, 0.7])]

    def exact(x):
        return np.array([np.cos(x[0]), 2 * x[1]])

    def central(x):
        f = lambda v: np.sin(v[0]) + v[1] ** 2  # noqa: E731
        return np.array([(f(x + e) - f(x - e)) / 2e-5 for e in np.eye(2) * 1e-5])

    check_exact(exact, xs, reference=exact)
    check_exact(lambda x: np.array([np.cos(x[0]), x[1] + x[1]]), xs, reference=exact)
    with pytest.raises(CheckFailed, match=r"agrees to about 1\d significant digits, as a "
                                          r"numerical approximation"):
        check_exact(central, xs, reference=exact, hidden=True)
    # an ordinary mistake still gets the ordinary check and its hints first
    with pytest.raises(CheckFailed, match="wrong sign"):
        check_exact(lambda x: -exact(x), xs, reference=exact)


def test_check_exact_takes_a_tuple_of_results_of_different_shapes():
    # (a loss, a matrix gradient, a vector gradient), as backward passes return them
    def exact(x):
        return float(x @ x), np.outer(x, x), 2 * x

    x = np.array([0.5, -1.5])
    check_exact(exact, [x], reference=exact)
    nudged = lambda x: (*exact(x)[:2], 2 * x + 1e-9)  # noqa: E731  (the last part is off)
    with pytest.raises(CheckFailed, match="close to the right values, but not exact"):
        check_exact(nudged, [x], reference=exact)
    with pytest.raises(CheckFailed, match="Expected a tuple of 3 entries"):
        check_exact(lambda x: exact(x)[:2], [x], reference=exact)


def test_a_route_listed_twice_is_blocked_once_and_put_back():
    ns = notebook()
    own = ns["numerical_grad"].__code__
    with blocked(nn.half_sse, nn.half_sse, *other_routes("numerical_grad", "numerical_grad",
                                                          namespace=ns)):
        raises_blocked(ns["by_hand"], 1.0)
        raises_blocked(nn.half_sse, np.zeros(1), np.zeros(1))
    assert ns["numerical_grad"].__code__ is own and ns["by_hand"](1.0) == pytest.approx([2.0])


def test_no_exec_runs_while_a_class_is_switched_off(tmp_path):
    # course-grade's monitor compares course_lib's classes at every exec (a cell): a block
    # that built a function's blocker (by exec) after swapping a class's methods put every
    # honest reference solution on hold.  Its audit hook stays for the process: a child.
    import subprocess
    import sys

    probe = tmp_path / "probe.py"
    probe.write_text(
        "import sys\n"
        "from course_lib.check import blocked\n"
        "from course_lib.engine import Tensor, Value\n"
        "from course_lib import nn\n"
        "def student(x):\n"
        "    return x\n"
        "swapped = []\n"
        "def hook(event, args):\n"
        "    if event == 'exec' and Value.__dict__['backward'] is not swapped[0]:\n"
        "        print('exec while Value was switched off')\n"
        "swapped.append(Value.__dict__['backward'])\n"
        "sys.addaudithook(hook)\n"
        "with blocked(Value, Tensor, nn.half_sse, student):\n"
        "    pass\n"
        "print('done')\n")
    out = subprocess.run([sys.executable, str(probe)], capture_output=True, text=True, check=True)
    assert out.stdout == "done\n", out.stdout
