"""Friendly checks: what a student reads when a test cell fails."""

import warnings

import numpy as np
import pytest

from course_lib import nn
from course_lib.check import (
    BlockedFunctionError,
    CheckFailed,
    blocked,
    call,
    check_array,
    check_function,
    check_that,
)


def failure(got, expected, **kw):
    with pytest.raises(CheckFailed) as err:
        check_array(got, expected, name="answer", **kw)
    return str(err.value)


def test_right_answer_passes_silently():
    assert check_array(np.array([1.0, 2.0]), [1.0, 2.0 + 1e-12], name="x") is None


def test_visible_failure_shows_expected_and_got():
    message = failure(np.array([1.0, 3.0]), [1.0, 2.0])
    assert "expected: [1., 2.]" in message and "got:      [1., 3.]" in message
    assert "index (1,)" in message


@pytest.mark.parametrize("got, expected, phrase", [
    (None, [1.0], "forget `return`"),
    ("text", [1.0], "got a string"),
    (np.ones((3, 2)), np.ones((2, 3)), "transposed"),
    (np.ones((3, 1)), np.ones(3), "an extra axis of length 1"),
    (np.ones(3), np.ones((3, 1)), "an axis of length 1 is missing"),
    (np.ones((2, 3)), np.ones(2), "one axis too many"),
    (np.array([-1.0, 2.0]), [1.0, -2.0], "wrong sign"),
    (np.array([0.5, 1.0]), [1.0, 2.0], "1/2 times"),
    (np.array([1 / 3, 1.0]), [1.0, 3.0], "1/3 times"),
    (np.array([2.0, 4.0]), [1.0, 2.0], "2 times"),
    (np.array([1.5, 2.5]), [1.0, 2.0], "same constant"),
    (np.array([np.nan, 1.0]), [1.0, 1.0], "nan"),
    (np.array([np.inf, 1.0]), [1.0, 1.0], "overflow"),
    (np.array([0, 1]), [0.4, 1.0], "integers"),
])
def test_common_mistakes_are_named(got, expected, phrase):
    assert phrase in failure(got, expected)


def test_transposed_square_matrix_is_not_mistaken_for_right():
    a = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert "got:" in failure(a.T, a)


def test_known_mistake_explanation_wins():
    message = failure(np.array([0.0, -2.0]), [0.25, 0.105],
                      mistakes=[(np.array([0.0, -2.0]), "you computed x(1-x)")])
    assert "hint: you computed x(1-x)." in message


def test_hidden_failure_shows_no_values():
    secret_in, secret_out = np.array([0.123456, 7.654321]), np.array([9.87654, 5.4321])
    with pytest.raises(CheckFailed) as err:
        check_function(lambda x: -x, [secret_in], expected=[secret_out], hidden=True, name="f")
    message = str(err.value)
    assert "hidden test" in message and "(2,)" in message
    for number in ("0.123", "7.654", "9.876", "5.432"):
        assert number not in message


def test_ipython_shows_the_message_without_a_traceback():
    err = CheckFailed("f is not right.\n  hint: x.")
    assert err._render_traceback_() == ["CheckFailed: f is not right.", "  hint: x."]


def test_long_lines_are_wrapped_for_nbgrader_validate():
    hint = "  hint: " + " ".join(["word"] * 40) + "."
    lines = CheckFailed("f is not right.\n" + hint)._render_traceback_()
    assert len(lines) > 2 and all(len(line) <= CheckFailed.WIDTH for line in lines)
    assert all(line.startswith("    ") for line in lines[2:])  # continuation indented
    assert " ".join(" ".join(lines[1:]).split()) == " ".join(hint.split())


def test_long_arguments_are_summarised_in_labels():
    graph = {f"node{i}": ("input", []) for i in range(6)}
    def order(g):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match=r"^order\(a dict of 6 entries\) is not written yet"):
        check_function(order, [graph], expected=[[0]])
    with pytest.raises(CheckFailed, match=r"^f\(an array of shape \(3, 4\)\) raised"):
        check_function(lambda x: x[9, 9], [np.zeros((3, 4))], expected=[0.0], name="f")


def test_reference_and_expected_are_exclusive():
    with pytest.raises(TypeError):
        check_function(abs, [1.0], expected=[1.0], reference=abs)


def test_stub_exception_and_bug_become_messages():
    def stub(x):
        raise NotImplementedError()

    def buggy(x):
        return x[5]

    with pytest.raises(CheckFailed, match="not written yet"):
        check_function(stub, [np.zeros(2)], expected=[np.zeros(2)])
    with pytest.raises(CheckFailed, match=r"raised IndexError on a hidden test \(x: a NumPy array of shape \(2,\)\)"):
        check_function(buggy, [np.zeros(2)], expected=[np.zeros(2)], hidden=True)


def test_student_warning_becomes_a_message_instead_of_stderr():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing may escape to the outside
        with pytest.raises(CheckFailed, match=r"\) issued a warning: RuntimeWarning: overflow"):
            check_function(lambda z: np.exp(z) / np.exp(z).sum(), [np.array([1000.0, 0.0])],
                           reference=nn.softmax)


def test_wrong_answers_that_warn_are_evaluated_quietly():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # the known wrong answer 1 / (1 + e^x) overflows at x = 1000, yet is finite
        with pytest.raises(CheckFailed, match="sign of x"):
            check_function(lambda x: 1 / (1 + np.exp(np.minimum(x, 700))),
                           [np.array([1000.0, 0.0])], reference=nn.sigmoid,
                           mistakes=[(lambda x: 1 / (1 + np.exp(x)), "sign of x")])


def test_changing_the_input_in_place_is_reported():
    def doubles_in_place(x):
        x *= 2
        return x

    with pytest.raises(CheckFailed, match="changed its input array in place"):
        check_function(doubles_in_place, [np.array([1.0, 2.0])], reference=lambda x: 2 * x)


def test_calling_the_blocked_course_lib_function_fails_with_a_reason():
    def lazy(x):
        return nn.sigmoid_grad(x)

    with pytest.raises(CheckFailed, match="sigmoid_grad is switched off"):
        check_function(lazy, [np.zeros(2)], reference=nn.sigmoid_grad, blocked=(nn.sigmoid_grad,))
    # outside the test it works again
    assert nn.sigmoid_grad(0.0) == 0.25


def test_blocking_catches_aliases_and_is_undone_after_errors():
    alias = nn.softmax
    table = {"s": nn.softmax}
    with pytest.raises(ZeroDivisionError):
        with blocked(nn.softmax):
            for f in (alias, table["s"]):
                with pytest.raises(BlockedFunctionError):
                    f(np.zeros(2))
            nn.sigmoid(0.0)  # not blocked
            1 / 0
    np.testing.assert_allclose(alias(np.zeros(2)), [0.5, 0.5])


def test_nested_blocks_release_only_their_own():
    with blocked(nn.relu):
        with blocked(nn.relu, nn.tanh):
            pass
        with pytest.raises(BlockedFunctionError):
            nn.relu(1.0)
        nn.tanh(1.0)


def test_only_functions_and_classes_can_be_blocked():
    with pytest.raises(TypeError, match="cannot be blocked"):
        with blocked(np.exp):
            pass


def test_an_interrupted_endless_loop_gets_a_message():
    import _thread
    import threading

    def endless(x):
        while True:
            pass

    timer = threading.Timer(0.3, _thread.interrupt_main)
    timer.start()
    stopped = r"^endless\(\[0\.\]\) was stopped: it ran past the time limit"
    with pytest.raises(CheckFailed, match=stopped):
        check_function(endless, [np.zeros(1)], expected=[np.zeros(1)])


def test_check_that_fails_with_the_given_message():
    check_that(True, "never shown")
    with pytest.raises(CheckFailed, match="^node c comes before its input a$"):
        check_that(False, "node c comes before its input a")


def test_call_returns_the_result_or_a_message():
    assert call(sorted, [3, 1, 2]) == [1, 2, 3]

    def stub(graph):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not written yet"):
        call(stub, {"a": ("input", [])})
    with pytest.raises(CheckFailed, match=r"^<lambda> raised KeyError.*hidden test"):
        call(lambda d: d["missing"], {}, hidden=True)


def test_a_mistake_given_by_its_values_on_the_visible_cases():
    from course_lib.check.mistakes import on_cases

    cases = [(np.array([1.0, 2.0]), 0.1), (np.array([1.0, 2.0]), 0.2), np.array([3.0])]
    wrong = on_cases(cases, {1: [7.0, 7.0], 2: [9.0]})
    assert wrong(np.array([1.0, 2.0]), 0.1) is None  # listed for cases 1 and 2 only
    assert wrong(np.array([1.0, 2.0]), 0.2) == [7.0, 7.0]
    assert wrong(np.array([3.0])) == [9.0]
    assert wrong(np.array([1.0, 2.5]), 0.2) is None  # an input of no case: no hint
    with pytest.raises(CheckFailed, match="the step is twice"):
        check_function(lambda x, lr: x * 0 + 7.0, [cases[1]], expected=[[2.0, 2.0]],
                       mistakes=[(wrong, "the step is twice as long")])
