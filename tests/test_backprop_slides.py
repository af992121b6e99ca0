"""The slides' backpropagation examples (SLIDE-FACTS.md, "For 04"), computed with the engine.

Each number is a regression test: the values were recomputed with NumPy and
checked against central differences when SLIDE-FACTS.md was written.
"""

import numpy as np
import pytest

from course_lib import nn
from course_lib.check import numerical_gradient
from course_lib.engine import Tensor, grad_table, topological_order


def test_ibm_example_one_linear_layer():
    x = np.array([4.9, 3.0, 1.4, 0.2])
    t = np.array([1.0, 0.0, 0.0])
    W = Tensor(np.ones((4, 3)))
    o = x @ W
    np.testing.assert_allclose(o.data, [9.5, 9.5, 9.5])
    E = nn.half_sse(o, t)
    assert E.item() == pytest.approx(126.375)
    assert nn.mse(o, t).item() == pytest.approx(84.25)  # the slide's number: Keras' mse
    E.backward()
    np.testing.assert_allclose(o.grad, [8.5, 9.5, 9.5])  # dE/do = o - t
    np.testing.assert_allclose(W.grad, np.outer(x, o.data - t))  # x (outer) (o - t)
    np.testing.assert_allclose(W.grad[0], [41.65, 46.55, 46.55])  # not a uniform "1 - delta"
    W.data -= 0.01 * W.grad
    o = x @ W
    np.testing.assert_allclose(o.data, [6.524, 6.174, 6.174], atol=5e-4)
    assert nn.half_sse(o, t).item() == pytest.approx(53.377, abs=5e-4)


def eth_network(w, w4):
    """o1 = relu(w1 x1 + w2 x2 + w3 x3), y = w4 o1, all x = 1 (the figure is missing)."""
    return w4 * (np.ones(3) @ w).relu()


def test_eth_exercise_one_weight_then_all_four():
    w, w4 = Tensor(np.ones(3)), Tensor(1.0)
    y = eth_network(w, w4)
    error = (2.0 - y) ** 2
    assert y.item() == 3.0 and error.item() == 1.0
    error.backward()
    np.testing.assert_array_equal(w.grad, [2.0, 2.0, 2.0])
    assert w4.grad == 6.0
    only_w1 = w.data.copy()
    only_w1[0] -= 0.1 * w.grad[0]
    assert only_w1[0] == pytest.approx(0.8)
    assert ((2.0 - eth_network(Tensor(only_w1), w4)) ** 2).item() == pytest.approx(0.64)
    # every weight at once: the error gets worse
    y = eth_network(Tensor(w.data - 0.1 * w.grad), Tensor(w4.data - 0.1 * w4.grad))
    assert y.item() == pytest.approx(0.96)
    assert ((2.0 - y) ** 2).item() == pytest.approx(1.0816)


def tilly_network(I, Y):
    """The 2-2-1 sigmoid network, W1 = [[-2, 2], [2, -2]], W2 = [2, 2]; E = (Y - O)^2 / 2."""
    W1, W2 = Tensor(np.array([[-2.0, 2.0], [2.0, -2.0]])), Tensor(np.array([2.0, 2.0]))
    z2 = (np.array(I) @ W1).sigmoid() @ W2
    O = z2.sigmoid()
    E = 0.5 * (Y - O) ** 2
    E.backward()
    return W1, W2, z2, O, E


@pytest.mark.parametrize("I, Y, O, E, delta2, dW2, dW1_rows", [
    ((1.0, 1.0), 1.0, 0.880797, 0.007105, -0.012516, [-0.006258] * 2, [-0.006258] * 2),
    ((3.0, 2.0), 0.0, 0.880797, 0.387902, 0.092478, [0.011024, 0.081454], [0.058258, 0.038838]),
])
def test_tillys_2_2_1_sigmoid_network(I, Y, O, E, delta2, dW2, dW1_rows):
    W1, W2, z2, out, error = tilly_network(I, Y)
    assert out.item() == pytest.approx(O, abs=1e-6)
    assert error.item() == pytest.approx(E, abs=1e-6)
    assert z2.grad.item() == pytest.approx(delta2, abs=1e-6)  # delta2 = dE/dz2
    np.testing.assert_allclose(W2.grad, dW2, atol=1e-6)
    # SLIDE-FACTS writes W1 as (hidden, input); ours is (input, hidden): its transpose
    for row in W1.grad.T:
        np.testing.assert_allclose(row, dW1_rows, atol=1e-6)


def test_tillys_network_one_step_with_learning_rate_1():
    W1, W2, _, _, _ = tilly_network((3.0, 2.0), 0.0)
    W1n, W2n = W1.data - W1.grad, W2.data - W2.grad
    O = ((np.array([3.0, 2.0]) @ Tensor(W1n)).sigmoid() @ Tensor(W2n)).sigmoid()
    assert (0.5 * O ** 2).item() == pytest.approx(0.370611, abs=1e-6)


def test_grad_table_of_e_is_a_plus_b_times_b_plus_1_uses_each_edge_once():
    a, b, one = Tensor(2.0, label="a"), Tensor(1.0, label="b"), Tensor(1.0, label="1")
    c = a + b
    d = b + one
    e = c * d
    edges = []
    table = grad_table(e, on_edge=lambda node, i: edges.append((id(node), i)))
    names = {e: "e", c: "c", d: "d", a: "a", b: "b", one: "1"}
    assert {names[n]: float(g) for n, g in table.items()} == {
        "e": 1.0, "c": 2.0, "d": 3.0, "a": 2.0, "b": 5.0, "1": 3.0}
    # memoised: each of the 6 edges passes a gradient once, though b has two paths to e
    assert len(edges) == len(set(edges)) == 6
    assert all(node.grad is None for node in names)  # grad_table fills no .grad


def test_xor_weights_put_three_hidden_units_on_the_kink():
    X = Tensor(np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), requires_grad=False)
    W, c = Tensor(np.ones((2, 2))), Tensor(np.array([0.0, -1.0]))
    w, b = Tensor(np.array([[1.0], [-2.0]])), Tensor(np.array([0.0]))
    pre = X @ W + c
    assert np.sum(pre.data == 0.0) == 3  # ReLU has no derivative there: no gradient check
    loss = nn.mse(pre.relu() @ w + b, np.array([[0.0], [1.0], [1.0], [0.0]]))
    assert loss.item() == 0.0


# --- further numbers that notebook 04 states ---------------------------------------------

def test_eth_step_on_all_four_weights_overshoots_and_a_smaller_rate_helps():
    g = np.array([2.0, 2.0, 2.0, 6.0])
    assert 0.1 * g @ g == pytest.approx(4.8)  # the linear prediction: a fall of 4.8 from 1
    assert 0.1 * g[0] ** 2 == pytest.approx(0.4)  # one weight: 0.4, below the error
    w = np.ones(4) - 0.05 * g
    y = w[3] * np.sum(w[:3])
    assert y == pytest.approx(1.89) and (2.0 - y) ** 2 == pytest.approx(0.0121)


def test_tillys_code_updates_W1_before_passing_the_error_back():
    sigmoid_d = lambda s: s * (1 - s)  # noqa: E731
    L0, Y = np.array([[3.0, 2.0]]), np.array([[0.0]])
    W0, W1 = np.array([[-2.0, 2.0], [2.0, -2.0]]), np.array([[2.0], [2.0]])
    L1 = nn.sigmoid(L0 @ W0)
    L2 = nn.sigmoid(L1 @ W1)
    L2_delta = (Y - L2) * sigmoid_d(L2)
    W1 = W1 + L1.T @ L2_delta
    W0 = W0 + L0.T @ ((L2_delta @ W1.T) * sigmoid_d(L1))  # W1 is the new one here
    E = 0.5 * float(np.sum(nn.sigmoid(nn.sigmoid(L0 @ W0) @ W1) ** 2))
    assert E == pytest.approx(0.370892, abs=1e-6)  # gradient descent with eta = 1: 0.370611


def test_w6_derivation_is_a_minus_y_times_h2():
    i1, i2, Y = 0.5, -1.0, 1.0
    w = [Tensor(v) for v in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6)]
    A = (i1 * w[0] + i2 * w[1]) * w[4] + (i1 * w[2] + i2 * w[3]) * w[5]
    (0.5 * (Y - A) ** 2).backward()
    h2 = i1 * 0.3 + i2 * 0.4
    assert w[5].grad == pytest.approx((A.item() - Y) * h2) == pytest.approx(0.30625)
    assert (Y - A.item()) * h2 == pytest.approx(-0.30625)  # the slides' (Y - A) A' h2, A' = 1


def test_xor_with_targets_one_central_differences_see_the_mean_slope_at_the_kink():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    W, w = np.ones((2, 2)), np.array([[1.0], [-2.0]])
    c = Tensor(np.array([0.0, -1.0]))
    J = nn.half_sse((Tensor(X, requires_grad=False) @ W + c).relu() @ w, np.ones((4, 1))) / 4
    J.backward()
    assert J.item() == 0.25
    np.testing.assert_array_equal(c.grad, [-0.25, 0.5])  # ReLU' = 0 at the kink

    def cost(b):
        return 0.5 * np.sum((np.maximum(X @ W + b, 0.0) @ w - 1.0) ** 2) / 4
    # the mean of 0 and 1 for each straddled unit, up to O(h) at the kink
    np.testing.assert_allclose(numerical_gradient(cost, c.data), [-0.375, 0.5], atol=1e-4)


@pytest.mark.parametrize("m, h", [(1, 10), (10, 100), (100, 1000)])
def test_stored_activations_are_2mh_plus_m_plus_1(m, h):
    net = nn.TensorMLP([4, h, 1], seed=0)
    loss = nn.mse(net(np.zeros((m, 4))), np.zeros((m, 1)))
    stored = sum(n.data.size for n in topological_order(loss) if n.op is not None)
    assert stored == 2 * m * h + m + 1


@pytest.mark.parametrize("depth", [1, 4, 10])
def test_diamonds_have_2_to_the_depth_paths_and_4_edges_per_level(depth):
    x = Tensor(0.5)
    y = x
    for _ in range(depth):
        y = y.sigmoid() * y.tanh()
    edges = []
    grad_table(y, on_edge=lambda node, i: edges.append(1))
    assert len(edges) == 4 * depth
    paths = {y: 1}
    for node in reversed(topological_order(y)):  # consumers before the nodes they read
        for parent in node.parents:
            paths[parent] = paths.get(parent, 0) + paths[node]
    assert paths[x] == 2 ** depth
