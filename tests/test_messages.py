"""What a student reads for the wrong answers that used to mislead (issue 11).

Each case is an exact wrong answer, run against the real test cell of its
notebook (visible and hidden tests), and the message it must and must not
contain.  The cells run in-process, in order, as a kernel would run them,
each under its own file name so that messages can quote the student's code.
The kernel-only cases (a syntax error in an answer cell) are in
test_kernel_cells.py; tests/wrong_answers.py runs some of these answers
through nbgrader as well.
"""

from typing import NamedTuple

import matplotlib
import nbformat
import numpy as np
import pytest
from course import ROOT, is_solution, is_test, nbgrader_meta, without_markers
from inprocess import run_cell
from wrong_answers import WRONG

from course_lib import nn
from course_lib.check import CheckFailed, check_array, check_function

matplotlib.use("Agg")


def message_of_test_cell(assignment, exercise, answer):
    """The message of ``exercise``'s test cell when its answer cell holds ``answer``."""
    nb = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    namespace = {"__name__": "__main__"}
    for k, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        grade_id = nbgrader_meta(cell).get("grade_id")
        if is_test(cell):
            if grade_id != f"{exercise}_test":
                continue
            try:
                run_cell(cell.source, f"<cell {k}>", namespace)
            except CheckFailed as err:
                return " ".join(str(err).split())
            raise AssertionError(f"{exercise}_test passed")
        source = answer if grade_id == exercise else without_markers(cell.source)
        try:
            run_cell(source, f"<cell {k}>", namespace)
        except Exception:  # a demo cell that uses a broken answer fails, as in a kernel
            if is_solution(cell):
                raise
    raise KeyError(exercise)


def wrong_code(student):
    """The code of a wrong answer that wrong_answers.py also grades through nbgrader."""
    return next(w.code for answers in WRONG.values() for w in answers if w.student == student)


class Case(NamedTuple):
    assignment: str
    exercise: str
    answer: str
    must: tuple
    must_not: tuple


CASES = {
    "sigmoid-grad-of-mixed-input": Case(
        "01_gradients", "sigmoid_grad", '''
def sigmoid_grad(x):
    s = nn.sigmoid(x)
    return s * (1 - x)
''', ("sigmoid_grad(", "is not right"), ("times the expected", "2 times")),
    "sigmoid-grad-with-wrong-sign": Case(
        "01_gradients", "sigmoid_grad", '''
def sigmoid_grad(x):
    s = nn.sigmoid(x)
    return -s * (1 - s)
''', ("wrong sign",), ("opposite direction", "gradient descent")),
    "numerical-grad-in-float32": Case(
        "01_gradients", "numerical_grad", wrong_code("float32-differences"),
        ("float32", "compute in float64"), ("times the expected", "1.00")),
    "numerical-grad-over-the-first-axis-only": Case(
        "01_gradients", "numerical_grad", '''
def numerical_grad(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    grad = np.zeros(len(x))
    for i in range(len(x)):
        old = x[i]
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad
''', ("np.ndindex",), ("reshape",)),
    "parameter-count-off-by-two": Case(
        "02_computational_graphs", "count_parameters", '''
def count_parameters(sizes):
    return sum(a * b for a, b in zip(sizes, sizes[1:])) + len(sizes)
''', ("expected: 23", "got: 21"), ("times the expected", "21/23", "expected: 23.")),
    "parameter-count-per-layer": Case(
        "02_computational_graphs", "count_parameters", '''
def count_parameters(sizes):
    return [a * b + b for a, b in zip(sizes, sizes[1:])]
''', ("Expected a single number, got a list of 2 entries",), ("reshape", "shape ()")),
    "transposed-weights": Case(
        "02_computational_graphs", "layer_forward", '''
def layer_forward(X, W, b, activation):
    return activation(X @ W.T + b)
''', ("layer_forward", "this is X @ W.T"),  # the visible test's W is not symmetric
        ("gufunc", "Run it yourself on such an input", "core dimension")),
    "relu-backward-without-the-tuple": Case(
        "03_chain_rule", "unary_rules", wrong_code("relu-without-tuple"),
        ("Expected a tuple of 1 entry, got a NumPy array of shape", "(result,)"),
        ("reshape", "Expected shape (1, 3)")),
    "add-backward-returns-one-gradient": Case(
        "03_chain_rule", "binary_rules", '''
def add_backward(dout, x, y):
    return dout


def mul_backward(dout, x, y):
    return dout * y, dout * x
''', ("Expected a tuple of 2 entries",), ("reshape",)),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_the_message_names_the_real_mistake(case):
    with np.printoptions(**np.get_printoptions()):  # notebooks set their own
        message = message_of_test_cell(case.assignment, case.exercise, case.answer)
    for text in case.must:
        assert text in message, (text, message)
    for text in case.must_not:
        assert text not in message, (text, message)


def hidden_failure(fn_source, name, cases, reference, **kw):
    """The message of a hidden check_function of ``fn_source`` (compiled as a cell)."""
    namespace = {"np": np, "nn": nn}
    run_cell(fn_source, "<answer cell>", namespace)
    with pytest.raises(CheckFailed) as err:
        check_function(namespace[name], cases, reference=reference, hidden=True, **kw)
    return " ".join(str(err.value).split())


def test_a_hidden_shape_error_says_what_input_failed_in_words():
    rng = np.random.default_rng(0)
    X, W, b = rng.normal(size=(5, 3)), rng.normal(size=(3, 4)), rng.normal(size=4)
    message = hidden_failure('''
def layer_forward(X, W, b, activation):
    return activation(X @ W.T + b)
''', "layer_forward", [(X, W, b, nn.sigmoid)], lambda X, W, b, f: f(X @ W + b))
    for text in ("raised ValueError on a hidden test",
                 "W: a non-square matrix of shape (3, 4)", "X: a non-square matrix of shape (5, 3)",
                 "A has 3 columns but B has 4 rows",
                 "in your code, line 3: return activation(X @ W.T + b)",
                 "Make an input of that kind"):
        assert text in message, (text, message)
    secret_values = [f"{v:.3f}"[:-1] for v in (X[0, 0], W[0, 0], b[0])]
    for text in ["gufunc", "core dimension", "Run it yourself on such an input"] + secret_values:
        assert text not in message, (text, message)


def test_a_hidden_broadcasting_error_is_put_into_words():
    message = hidden_failure('''
def softmax(z):
    e = np.exp(z - np.max(z))
    return e / e.sum(axis=-1)
''', "softmax", [np.array([[-1000.0, 0.0, 1000.0], [800.0, 800.0, -5.0]])], nn.softmax)
    assert "arrays of shapes (2,3) and (2,) cannot be combined elementwise" in message
    assert "z: a non-square matrix of shape (2, 3) with large entries" in message
    assert "line 4: return e / e.sum(axis=-1)" in message
    assert "broadcast together" not in message and "800" not in message


def test_a_hidden_test_never_quotes_its_own_lines():
    # the failing line is in a function of the test cell: it must not be shown
    def _hidden_helper(v):
        return v[7]  # SECRET LINE

    message = hidden_failure('''
def numerical_grad(f, x, h=1e-5):
    return f(x)
''', "numerical_grad", [(_hidden_helper, np.zeros(2))], lambda f, x: np.zeros(2))
    assert "raised IndexError" in message and "line 3: return f(x)" in message
    assert "SECRET" not in message


@pytest.mark.parametrize("got, expected, phrase", [
    (np.array([0.5]), [0.25], None),                  # one value: no factor proven
    (21, 23, None),                                   # 21/23 is no constant factor
    (np.array([4.005432, 12.016296]), [4.0, 12.0], None),  # 1.00136: rounding, not a factor
    (np.array([1.0, 2.0]), [2.0, 4.0], "1/2 times"),  # several values, one plausible factor
    (np.array([3.0, 6.0, 9.0]), [1.0, 2.0, 3.0], "3 times"),
    (np.array([0.01, 0.02]), [1.0, 2.0], "1/100 times"),  # 1/n for a mean
])
def test_the_constant_factor_hint_needs_evidence(got, expected, phrase):
    with pytest.raises(CheckFailed) as err:
        check_array(got, expected, name="answer")
    message = str(err.value)
    if phrase:
        assert phrase in message
    else:
        assert "times the expected" not in message


def test_an_integer_answer_is_shown_as_an_integer():
    with pytest.raises(CheckFailed) as err:
        check_function(lambda s: 21, [[4, 3, 2]], expected=[23], name="count_parameters")
    assert "expected: 23\n" in str(err.value) and "got:      21" in str(err.value)
    with pytest.raises(CheckFailed) as err:
        check_function(lambda s: 21, [[4, 3, 2]], reference=lambda s: 23)
    assert "expected: 23\n" in str(err.value)
    with pytest.raises(CheckFailed) as err:
        check_array(2.5, 2.0, name="x")
    assert "expected: 2.0\n" in str(err.value) and "got:      2.5" in str(err.value)


@pytest.mark.parametrize("got, phrase", [
    (np.zeros(3), "got a NumPy array of shape (3,): return a tuple, such as `(result,)`"),
    ([np.zeros(3), np.zeros(3)], "Expected a tuple of 1 entry, got a list of 2 entries"),
    ({"dx": np.zeros(3)}, "got a dict of 1 entry"),
    (None, "did you forget `return`"),
])
def test_a_wrong_structure_is_named_as_such(got, phrase):
    with pytest.raises(CheckFailed) as err:
        check_array(got, (np.zeros(3),), name="relu_backward")
    assert phrase in str(err.value) and "reshape" not in str(err.value)


def test_a_tuple_of_the_right_arrays_passes_as_tuple_or_list():
    want = (np.ones(2), np.zeros((2, 2)))  # entries of different shapes
    check_array((np.ones(2), np.zeros((2, 2))), want, name="f")
    check_array([np.ones(2), np.zeros((2, 2))], want, name="f")
    with pytest.raises(CheckFailed, match=r"^f\[1\] is not right"):
        check_array((np.ones(2), np.ones((2, 2))), want, name="f")


def test_a_dict_or_string_where_a_number_belongs_is_named():
    for got, phrase in (({"a": 1}, "got a dict"), ("23", "got a string")):
        with pytest.raises(CheckFailed) as err:
            check_array(got, 23, name="count_parameters([4, 3, 2])")
        assert f"Expected a single number, {phrase}" in str(err.value)
