"""The scalar engine: gradients against central differences, on random graphs too."""

import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from course_lib.check import grad_check
from course_lib.engine import Value, topological_order
from course_lib.nn import MLP

# Each op twice: on Values (what is tested) and on floats (the independent reference).
# Arguments are kept where every op is smooth: no division by ~0, no log of <= 0.
OPS = {
    "add": (lambda a, b: a + b, lambda a, b: a + b),
    "sub": (lambda a, b: a - b, lambda a, b: a - b),
    "mul": (lambda a, b: a * b, lambda a, b: a * b),
    "div": (lambda a, b: a / (b * b + 1), lambda a, b: a / (b * b + 1)),
    "rsub": (lambda a, b: 2.5 - a, lambda a, b: 2.5 - a),
    "rdiv": (lambda a, b: 1.5 / (a * a + 1), lambda a, b: 1.5 / (a * a + 1)),
    "radd": (lambda a, b: 0.5 + a, lambda a, b: 0.5 + a),
    "rmul": (lambda a, b: -1.5 * a, lambda a, b: -1.5 * a),
    "neg": (lambda a, b: -a, lambda a, b: -a),
    "pow3": (lambda a, b: a ** 3, lambda a, b: a ** 3),
    "tanh": (lambda a, b: a.tanh(), lambda a, b: math.tanh(a)),
    "sigmoid": (lambda a, b: a.sigmoid(), lambda a, b: 1 / (1 + math.exp(-a))),
    "exp": (lambda a, b: a.tanh().exp(), lambda a, b: math.exp(math.tanh(a))),
    "log": (lambda a, b: (a * a + 1).log(), lambda a, b: math.log(a * a + 1)),
    "relu": (lambda a, b: a.relu(), lambda a, b: max(a, 0.0)),
}


def run(program, inputs, on_values):
    """Replay a program; every step reads two earlier results (shared subexpressions)."""
    pool = list(inputs)
    for op, i, j in program:
        f_value, f_float = OPS[op]
        a, b = pool[i % len(pool)], pool[j % len(pool)]
        pool.append(f_value(a, b) if on_values else f_float(a, b))
    # the output mixes the last results, so every branch matters
    out = pool[-1]
    for extra in pool[-3:-1]:
        out = out + extra * 0.5
    return out, pool


programs = st.lists(st.tuples(st.sampled_from(sorted(OPS)), st.integers(0, 50),
                              st.integers(0, 50)), min_size=1, max_size=25)


@given(program=programs,
       xs=st.lists(st.floats(-2, 2, allow_nan=False), min_size=1, max_size=4))
def test_random_graph_gradients_match_central_differences(program, xs):
    _, floats = run(program, xs, on_values=False)
    # stay away from ReLU's kink, where no derivative exists
    for (op, i, _), k in zip(program, range(len(xs), len(floats))):
        if op == "relu":
            assume(abs(floats[i % k]) > 1e-3)
    assume(all(abs(v) < 1e6 for v in floats))
    leaves = [Value(x) for x in xs]
    out, _ = run(program, leaves, on_values=True)
    out.backward()
    assert out.data == pytest.approx(run(program, xs, on_values=False)[0], rel=1e-12, abs=1e-12)

    def f(x):
        return run(program, list(x), on_values=False)[0]

    grad_check(f, [np.array(xs)], [np.array([leaf.grad for leaf in leaves])],
               names=["inputs"], tol=1e-5, atol=1e-7)


def test_slide_example_e_is_a_plus_b_times_b_plus_1():
    a, b = Value(2.0), Value(1.0)
    e = (a + b) * (b + 1)
    e.backward()
    assert (e.data, a.grad, b.grad) == (6.0, 2.0, 5.0)  # de/db = 1*2 + 1*3


def test_every_path_counts():
    a = Value(3.0)
    (a + a).backward()
    assert a.grad == 2.0
    x = Value(3.0)
    (x * x).backward()
    assert x.grad == 6.0


def test_a_chain_of_100000_operations_needs_no_recursion():
    x = Value(0.5)
    y = x
    for _ in range(50_000):
        y = (y * 1.0001).tanh()
    assert len(topological_order(y)) > 100_000
    y.backward()
    assert math.isfinite(x.grad) and x.grad != 0.0


def test_same_gradients_on_a_fresh_graph_and_accumulation_on_the_same():
    def build():
        a, b = Value(-1.5), Value(0.5)
        return a, b, (a * b + b.exp()).tanh() - a / b

    a1, b1, out1 = build()
    out1.backward()
    a2, b2, out2 = build()
    out2.backward()
    assert (a1.grad, b1.grad) == (a2.grad, b2.grad)
    out2.backward()  # same nodes again: gradients add up, as documented
    assert a2.grad == pytest.approx(2 * a1.grad)
    out2.zero_grad()
    assert a2.grad == b2.grad == out2.grad == 0.0


def test_numbers_on_either_side():
    a = Value(4.0)
    results = [2 + a, a + 2, 2 - a, a - 2, 2 * a, a * 2, 2 / a, a / 2, -a, a ** 0.5]
    assert [r.data for r in results] == [6, 6, -2, 2, 8, 8, 0.5, 2, -4, 2]
    with pytest.raises(TypeError, match="exponent must be a number"):
        a ** Value(2.0)
    with pytest.raises(ValueError, match="negative number"):
        Value(-4.0) ** 0.5


def test_parents_are_ordered_and_ops_named():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    out = a * b
    assert out.parents == (a, b) and out.op == "*" and out.local == (2.0, 1.0)
    assert (b * a).parents == (b, a)
    assert a.parents == () and a.op == ""


def test_sigmoid_is_stable_at_extremes():
    for x, s in ((-1000.0, 0.0), (1000.0, 1.0)):
        v = Value(x)
        out = v.sigmoid()
        out.backward()
        assert out.data == s and v.grad == 0.0


def test_mlp_is_seeded_and_its_gradients_are_right():
    assert len(MLP([2, 16, 16, 1], seed=3).parameters()) == 2 * 16 + 16 + 16 * 16 + 16 + 16 + 1
    net = MLP([3, 4, 2], seed=1, act="tanh")
    again = MLP([3, 4, 2], seed=1, act="tanh")
    assert [p.data for p in net.parameters()] == [p.data for p in again.parameters()]
    x = [0.3, -1.2, 0.8]
    out = net(x)
    loss = (out[0] - 1.0) ** 2 + out[1] * out[1]
    loss.backward()
    params = net.parameters()

    def f(w):
        for p, wi in zip(params, w):
            p.data = float(wi)
        o = net(x)
        return ((o[0] - 1.0) ** 2 + o[1] * o[1]).data

    start = np.array([p.data for p in params])
    grads = np.array([p.grad for p in params])
    grad_check(f, [start], [grads], names=["parameters"])


DRAW = """
from course_lib.engine import Value
from course_lib.viz.graph import draw_graph
a, b = Value(2.0, label="a"), Value(1.0, label="b")
e = (a + b) * (b + 1)
e.label = "e"
e.backward()
print(draw_graph(e, highlight=[b]).source)
"""


def test_draw_graph_is_the_same_in_every_run():
    runs = [subprocess.run([sys.executable, "-c", DRAW], capture_output=True, text=True,
                           check=True).stdout for _ in range(2)]
    assert runs[0] == runs[1]
    source = runs[0]
    assert "a | data 2.0000 | grad 2.0000" in source
    assert "b | data 1.0000 | grad 5.0000" in source and "fillcolor" in source
    assert source.count("shape=oval") == 3  # +, +, *


def test_grad_mismatches_points_at_the_wrong_nodes():
    from course_lib.viz.graph import draw_graph, grad_mismatches

    def build():
        a, b = Value(2.0, label="a"), Value(1.0, label="b")
        return a, b, (a + b) * (b + 1)

    _, _, right = build()
    right.backward()
    a, b, wrong = build()
    wrong.backward()
    b.grad = 3.0  # as if the path through (a + b) were lost: '=' instead of '+='
    assert grad_mismatches(wrong, right) == [b]
    assert "fillcolor" in draw_graph(wrong, highlight=grad_mismatches(wrong, right)).source
    with pytest.raises(ValueError, match="graphs differ"):
        grad_mismatches(wrong, Value(1.0))


@given(program=programs, n_inputs=st.integers(1, 4))
def test_both_graph_walks_give_the_same_valid_order(program, n_inputs):
    from course_lib.engine.value import _inputs_first

    leaves = [Value(0.1 * (k + 1)) for k in range(n_inputs)]
    out, _ = run(program, leaves, on_values=True)
    order = topological_order(out)
    assert order == _inputs_first(out)  # the engine's fast walk is the same walk
    position = {id(node): k for k, node in enumerate(order)}
    assert len(position) == len(order) and order[-1] is out
    assert all(position[id(p)] < position[id(node)] for node in order for p in node.parents)


def test_draw_spec_draws_a_define_and_run_graph_in_dictionary_order():
    import numpy as np

    from course_lib.viz.graph import draw_spec

    graph = {"X": ("input", []), "W": ("input", []), "U1": ("matmul", ["X", "W"]),
             "b": ("input", []), "H": ("relu", ["U1"])}
    source = draw_spec(graph, {"X": np.zeros((4, 2)), "b": 0.5}).source
    assert source == draw_spec(dict(graph), {"X": np.zeros((4, 2)), "b": 0.5}).source
    assert 'X [label="X | shape (4, 2)" shape=record]' in source
    assert "W [label=W shape=record]" in source and 'b [label="b | 0.5"' in source
    assert source.count("shape=oval") == 2
    for edge in ("X -> U1_op", "W -> U1_op", "U1_op -> U1", "U1 -> H_op", "H_op -> H"):
        assert edge in source
    assert source.index("U1_op -> U1") < source.index("H_op -> H")
