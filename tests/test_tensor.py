"""The Tensor engine: every op's gradient and second derivative against central differences.

A catalogue of operations, each run on random inputs of random broadcastable
shapes (Hypothesis).  The reference is always the course's one gradient
checker, course_lib.check.grad_check, in float64: for first derivatives
against ``backward()``, for second derivatives (``grad`` twice) against
central differences of the first derivative.
"""

import math
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays, mutually_broadcastable_shapes

from course_lib import nn
from course_lib.check import grad_check
from course_lib.engine import Tensor, apply, grad, grad_table, ops
from course_lib.nn.layers import AFFINE


def positive(a):
    return np.abs(a) + 0.5


def identity(a):
    return a


# name: (number of inputs, f on Tensors, domain of the inputs).  Binary ops see two
# inputs of shapes that broadcast together (matrix products: shapes that multiply);
# numbers and arrays appear on either side.
OPS = {
    "add": (2, lambda x, y: x + y, identity),
    "sub": (2, lambda x, y: x - y, identity),
    "mul": (2, lambda x, y: x * y, identity),
    "div": (2, lambda x, y: x / y, positive),
    "number+x": (1, lambda x: 1.5 + x, identity),
    "number-x": (1, lambda x: 1.5 - x, identity),
    "number*x": (1, lambda x: -2.0 * x, identity),
    "number/x": (1, lambda x: 2.0 / x, positive),
    "x/number": (1, lambda x: x / 4.0, identity),
    "array-x": (1, lambda x: np.full(x.shape, 0.25) - x, identity),
    "neg": (1, lambda x: -x, identity),
    "square": (1, lambda x: x ** 2, identity),
    "cube": (1, lambda x: x ** 3, identity),
    "sqrt": (1, lambda x: x ** 0.5, positive),
    "exp": (1, lambda x: x.exp(), identity),
    "log": (1, lambda x: x.log(), positive),
    "tanh": (1, lambda x: x.tanh(), identity),
    "sigmoid": (1, lambda x: x.sigmoid(), identity),
    "relu": (1, lambda x: x.relu(), identity),
    "sum": (1, lambda x: x.sum(), identity),
    "sum(axis=0)": (1, lambda x: x.sum(axis=0), identity),
    "mean": (1, lambda x: x.mean(), identity),
    "mean(axis=-1)": (1, lambda x: x.mean(axis=-1), identity),
    "sum(keepdims)": (1, lambda x: x.sum(axis=-1, keepdims=True), identity),
    "log_softmax": (1, lambda x: x.log_softmax(), identity),
    # targets that are probabilities, from 0 to 1, one per logit
    "binary_cross_entropy": (1, lambda x: nn.binary_cross_entropy(
        x, np.linspace(0, 1, x.size).reshape(x.shape)), identity),
    "T": (1, lambda x: x.T, identity),
    "reshape": (1, lambda x: x.reshape(-1), identity),
    "broadcast_to": (1, lambda x: x.broadcast_to((2,) + x.shape), identity),
    "x*x (shared input)": (1, lambda x: x * x + x, identity),
    "matmul": (2, lambda x, w: x @ w, identity),
    "vector@matrix": (2, lambda x, w: x @ w, identity),
    "matrix@vector": (2, lambda x, w: x @ w, identity),
}
MATMUL_SHAPES = {"matmul": lambda n, k, m: [(n, k), (k, m)],
                 "vector@matrix": lambda n, k, m: [(k,), (k, m)],
                 "matrix@vector": lambda n, k, m: [(n, k), (k,)]}

# a tenth of the profile's examples per op: 10 by default, 200 with HYPOTHESIS_PROFILE=explore
SMOOTH_SETTINGS = settings(max_examples=max(10, settings.default.max_examples // 10))


def as_tensors(arrays_):
    return [Tensor(a) for a in arrays_]


@st.composite
def inputs_for(draw, name):
    """Arrays for op ``name``: shapes that broadcast together, values in its domain."""
    n_inputs, f, domain = OPS[name]
    if name in MATMUL_SHAPES:
        shapes = MATMUL_SHAPES[name](*draw(st.tuples(*[st.integers(1, 3)] * 3)))
    else:
        shapes = draw(mutually_broadcastable_shapes(num_shapes=n_inputs, min_dims=1, max_dims=3,
                                                    max_side=3)).input_shapes
    values = [domain(draw(arrays(np.float64, shape, elements=st.floats(-2, 2))))
              for shape in shapes]
    if name == "relu":
        assume(np.all(np.abs(values[0]) > 1e-3))  # no derivative at the kink
    return values


def weighted_output(f, xs, weights):
    """A scalar that depends on every output entry differently (not just their sum)."""
    out = f(*xs)
    return (out * weights).sum()


def weights_for(f, values):
    rng = np.random.default_rng(0)
    shape = f(*as_tensors(values)).shape
    return rng.uniform(0.5, 1.5, shape)


@pytest.mark.parametrize("name", sorted(OPS))
@SMOOTH_SETTINGS
@given(data=st.data())
def test_gradient_matches_central_differences(name, data):
    values = data.draw(inputs_for(name))
    f = OPS[name][1]
    weights = weights_for(f, values)
    xs = as_tensors(values)
    loss = weighted_output(f, xs, weights)
    loss.backward()

    def number(*vals):
        return weighted_output(f, as_tensors(vals), weights).item()

    grad_check(number, values, [x.grad for x in xs], tol=1e-6, atol=1e-9)
    # the symbol-to-symbol gradients have the same values
    for x, g in zip(xs, grad(weighted_output(f, xs, weights), xs)):
        np.testing.assert_allclose(g.data, x.grad, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", sorted(OPS))
@SMOOTH_SETTINGS
@given(data=st.data())
def test_second_derivatives_match_central_differences_of_the_gradient(name, data):
    values = data.draw(inputs_for(name))
    f = OPS[name][1]
    weights = weights_for(f, values)
    rng = np.random.default_rng(1)
    directions = [rng.uniform(-1, 1, v.shape) for v in values]

    def directional(gs):
        """sum_i <grad_i, v_i>: its gradient is the Hessian times v."""
        total = 0.0
        for g, v in zip(gs, directions):
            total = total + (g * v).sum()
        return total

    xs = as_tensors(values)
    gs = grad(weighted_output(f, xs, weights), xs)
    hessian_times_v = grad(directional(gs), xs)  # grad of grad

    def first_derivative(*vals):  # by backward(), independently of grad
        ts = as_tensors(vals)
        weighted_output(f, ts, weights).backward()
        return sum(float(np.sum(t.grad * v)) for t, v in zip(ts, directions))

    grad_check(first_derivative, values, [h.data for h in hessian_times_v],
               tol=1e-5, atol=1e-7)


def test_hessian_vector_product_of_a_small_network():
    rng = np.random.default_rng(2)
    X = Tensor(rng.standard_normal((5, 3)), requires_grad=False)
    W = Tensor(rng.standard_normal((3, 4)))
    v = rng.standard_normal((3, 4))
    loss = ((X @ W).tanh() ** 2).mean()
    (g,) = grad(loss, [W])
    (hv,) = grad((g * v).sum(), [W])

    def gradient(w):
        Wt = Tensor(w)
        ((X @ Wt).tanh() ** 2).mean().backward()
        return Wt.grad

    # the Hessian-vector product is the change of the gradient along v
    h = 1e-6
    numeric = (gradient(W.data + h * v) - gradient(W.data - h * v)) / (2 * h)
    np.testing.assert_allclose(hv.data, numeric, rtol=1e-6, atol=1e-9)
    assert hv.requires_grad and hv.parents  # a graph node: it could be differentiated again


def test_grad_of_a_cube_twice_and_three_times():
    x = Tensor(np.array([1.0, 2.0, -3.0]))
    (g,) = grad((x ** 3).sum(), [x])
    (h,) = grad(g.sum(), [x])
    (k,) = grad(h.sum(), [x])
    np.testing.assert_allclose(g.data, 3 * x.data ** 2)
    np.testing.assert_allclose(h.data, 6 * x.data)
    np.testing.assert_allclose(k.data, [6.0, 6.0, 6.0])
    (zero,) = grad((2 * x).sum(), [Tensor(1.0)])  # y does not depend on it
    assert zero.data == 0.0 and not zero.requires_grad


# -- layers and losses: their fused ops against the same maths in primitive ops --------------

@SMOOTH_SETTINGS
@given(n=st.integers(1, 4), d=st.integers(1, 4), m=st.integers(1, 4), seed=st.integers(0, 99))
def test_linear_and_mse_ops_match_central_differences_and_their_primitive_form(n, d, m, seed):
    rng = np.random.default_rng(seed)
    x, w, b = rng.standard_normal((n, d)), rng.standard_normal((d, m)), rng.standard_normal(m)
    t = rng.standard_normal((n, m))
    xs = as_tensors([x, w, b])
    loss = nn.mse(apply(AFFINE, *xs).tanh(), t)
    loss.backward()

    def number(x, w, b):
        return float(np.mean((np.tanh(x @ w + b) - t) ** 2))

    grad_check(number, [x, w, b], [v.grad for v in xs])
    primitive = (((xs[0] @ xs[1] + xs[2]).tanh() - t) ** 2).mean()
    np.testing.assert_allclose(loss.data, primitive.data, rtol=1e-12)
    hv = grad(grad(loss, xs)[1].sum(), xs)  # second derivatives through both fused ops
    hp = grad(grad(primitive, xs)[1].sum(), xs)
    for a, c in zip(hv, hp):
        np.testing.assert_allclose(a.data, c.data, rtol=1e-9, atol=1e-12)


# -- dtypes, constants and the cost of what needs no gradient --------------------------------

def test_float32_stays_float32_and_other_numbers_become_float64():
    x = Tensor(np.ones((2, 3), np.float32))
    assert Tensor([1, 2]).data.dtype == np.float64 and Tensor(3).data.dtype == np.float64
    assert Tensor(np.arange(3)).data.dtype == np.float64
    outs = [x + 1, 2 * x, x / 3, 1 - x, x ** 2, x.exp(), x.log(), x.tanh(), x.sigmoid(),
            x.relu(), x.sum(), x.mean(axis=0), x.log_softmax(), x.T, x.reshape(3, 2),
            x @ np.ones((3, 2), np.float32), -x, nn.cross_entropy(x, np.array([0, 2]))]
    for out in outs:
        assert out.data.dtype == np.float32, out.op
    loss = sum(((o ** 2).sum() for o in outs), Tensor(np.float32(0)))
    loss.backward()
    assert x.grad.dtype == np.float32 and x.grad.shape == x.shape


def test_requires_grad_false_gets_no_gradient_and_costs_no_bprop(monkeypatch):
    calls = []
    for op_class in (ops.MatMul, type(AFFINE)):
        original = op_class.bprop

        def counting(self, inputs, out, dout, i, original=original):
            calls.append((self.name, i))
            return original(self, inputs, out, dout, i)

        monkeypatch.setattr(op_class, "bprop", counting)
    rng = np.random.default_rng(3)
    X = Tensor(rng.standard_normal((6, 4)), requires_grad=False)
    Y = rng.standard_normal((6, 2))
    net = nn.TensorMLP([4, 5, 2], seed=0)
    loss = nn.mse(net(X), Y)
    loss.backward()
    assert X.grad is None
    # first layer: only W and b (inputs 1, 2), never the data (input 0)
    assert sorted(calls) == [("linear", 0), ("linear", 1), ("linear", 1), ("linear", 2),
                             ("linear", 2)]
    edges = []
    grad_table(loss, on_edge=lambda node, i: edges.append((str(node.op), i)))
    assert ("linear", 0) in edges and edges.count(("linear", 0)) == 1  # only the 2nd layer
    # an expression on constants only records nothing
    c = Tensor(np.ones(3), requires_grad=False)
    assert (c * 2 + c).parents == () and not (c * 2).requires_grad
    with pytest.raises(ValueError, match="requires_grad=True"):
        (c * 2).sum().backward()


def test_parameters_accumulate_and_every_node_gets_its_gradient():
    w = Tensor(np.array([1.0, -2.0]))
    h = w * 3
    loss = (h ** 2).sum()
    loss.backward()
    np.testing.assert_array_equal(h.grad, 2 * h.data)
    np.testing.assert_array_equal(w.grad, 18 * w.data)
    loss.backward()  # parameters accumulate, as in PyTorch; nodes made by ops do not
    np.testing.assert_array_equal(w.grad, 36 * w.data)
    np.testing.assert_array_equal(h.grad, 2 * h.data)
    a, b = Tensor(1.0), Tensor(2.0)
    (a + b).backward()
    a.grad += 1  # each input's grad is its own writable array
    assert b.grad == 1.0 and loss.grad.shape == ()


def test_clear_errors_for_wrong_use():
    x = Tensor(np.ones((2, 3)))
    with pytest.raises(ValueError, match="one element"):
        x.backward()
    with pytest.raises(ValueError, match="one element"):
        grad(x, [x])
    with pytest.raises(TypeError, match="number"):
        x ** x
    with pytest.raises(ValueError, match="1-D or 2-D"):
        x.reshape(1, 2, 3) @ x.T
    with pytest.raises(ValueError, match="target has shape"):
        nn.mse(x, np.ones(3))
    assert (np.ones(3) @ Tensor(np.ones((3, 2)))).shape == (2,)  # reflected @ and 1-D
    assert (Tensor(np.ones((2, 3))) @ np.ones(3)).shape == (2,)


def test_a_graph_of_100000_operations_needs_no_recursion():
    x = Tensor(0.5)
    c = Tensor(1.0001, requires_grad=False)
    y = x
    for _ in range(50_000):
        y = (y * c).tanh()
    y.backward()  # 100,000 operations between x and y
    v, chain_rule = 0.5, 1.0
    for _ in range(50_000):  # the same derivative, step by step, in Python floats
        v = math.tanh(1.0001 * v)
        chain_rule *= 1.0001 * (1 - v * v)
    assert x.grad == pytest.approx(chain_rule, rel=1e-9) and x.grad != 0


# -- losses ------------------------------------------------------------------------------------

def test_losses_are_stable_at_plus_minus_1000():
    logits = Tensor(np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, 1000.0]]))
    labels = np.array([0, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ce = nn.cross_entropy(logits, labels)
        ce.backward()
        others = [nn.mse(logits, np.zeros((2, 3))), nn.half_sse(logits, np.zeros((2, 3))),
                  logits.sigmoid().sum(), logits.log_softmax().sum()]
        for loss in others:
            loss.backward()
    assert ce.item() == pytest.approx(2000.0 / 2)  # row 2: -log softmax = 2000
    probabilities = np.array([[1.0, 0, 0], [0, 0, 1.0]])
    onehot = np.eye(3)[labels]
    # d cross-entropy / d logits = (softmax - target) / N
    z = Tensor(logits.data)
    (g,) = grad(nn.cross_entropy(z, onehot), [z])
    np.testing.assert_allclose(g.data, (probabilities - onehot) / 2, atol=1e-300)
    assert all(np.isfinite(loss.item()) for loss in others)
    assert np.all(np.isfinite(logits.grad))


def test_binary_cross_entropy_from_logits_is_the_formula_and_stable_at_1000():
    z = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 2.0, -0.5]])
    y = np.array([[0.0, 0.0, 1.0], [1.0, 0.3, 1.0]])
    logits = Tensor(z)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = nn.binary_cross_entropy(logits, y)
        loss.backward()
    # -(y log s + (1 - y) log(1 - s)) = max(z, 0) - z y + log(1 + e^-|z|), entry by entry
    per_entry = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
    assert loss.item() == pytest.approx(per_entry.mean(), rel=1e-14)
    assert per_entry[0, 0] == 1000.0 and per_entry[1, 0] == 1000.0
    np.testing.assert_allclose(logits.grad, (nn.sigmoid(z) - y) / z.size, rtol=1e-14, atol=1e-300)
    # where the textbook formula on sigma(z) is safe, it is that formula
    s, t = nn.sigmoid(z[1, 1:]), y[1, 1:]
    naive = -(t * np.log(s) + (1 - t) * np.log(1 - s)).mean()
    assert nn.binary_cross_entropy(Tensor(z[1, 1:]), t).item() == pytest.approx(naive, rel=1e-14)
    # a sigmoid is a softmax over (0, z): the two cross-entropies agree
    pairs = np.stack([np.zeros(z.size), z.ravel()], axis=1)
    labels = np.array([0, 0, 1, 1, 0, 1])
    assert nn.binary_cross_entropy(Tensor(z), labels.reshape(z.shape)).item() == \
        pytest.approx(nn.cross_entropy(Tensor(pairs), labels).item(), rel=1e-14)
    small = nn.binary_cross_entropy(Tensor(np.float32([1.0, -3.0])), np.array([1, 0]))
    assert small.dtype == np.float32  # float32 stays float32
    with pytest.raises(ValueError, match="shape"):
        nn.binary_cross_entropy(Tensor(np.zeros(3)), np.zeros(2))


def test_loss_scales_as_documented():
    o, t = np.array([[1.0, 2.0], [3.0, 5.0]]), np.array([[0.0, 0.0], [1.0, 1.0]])
    assert nn.mse(Tensor(o), t).item() == pytest.approx(np.mean((o - t) ** 2))
    assert nn.half_sse(Tensor(o), t).item() == pytest.approx(0.5 * np.sum((o - t) ** 2))
    z = np.array([[0.0, 0.0, 0.0]])
    assert nn.cross_entropy(Tensor(z), [2]).item() == pytest.approx(np.log(3))


# -- layers ------------------------------------------------------------------------------------

def test_linear_layer_is_seeded_glorot_uniform_in_the_row_convention():
    layer = nn.Linear(4, 3, seed=7)
    again = nn.Linear(4, 3, seed=7)
    assert layer.W.shape == (4, 3) and layer.b.shape == (3,)
    np.testing.assert_array_equal(layer.W.data, again.W.data)
    limit = np.sqrt(6 / 7)
    assert np.all(np.abs(layer.W.data) <= limit) and np.all(layer.b.data == 0)
    x = np.ones((2, 4))
    np.testing.assert_allclose(layer(x).data, x @ layer.W.data)
    np.testing.assert_allclose(layer(np.ones(4)).data, np.ones(4) @ layer.W.data)
    net = nn.TensorMLP([2, 8, 8, 1], seed=3, act="tanh", dtype=np.float32)
    assert len(net.parameters()) == 6 and net.parameters()[0].data.dtype == np.float32
    assert net(np.zeros((5, 2), np.float32)).shape == (5, 1)
    with pytest.raises(ValueError, match="act"):
        nn.TensorMLP([2, 1], act="softmax")


# -- drawing -----------------------------------------------------------------------------------

def test_draw_graph_draws_tensor_graphs_with_shapes():
    from course_lib.viz.graph import draw_graph, grad_mismatches

    def build():
        X = Tensor(np.ones((4, 3)), requires_grad=False, label="X")
        net = nn.TensorMLP([3, 2, 1], seed=0)
        loss = nn.mse(net(X), np.zeros((4, 1)))
        loss.label = "loss"
        return net, loss

    net, loss = build()
    loss.backward()
    source = draw_graph(loss).source
    assert source == draw_graph(loss).source  # stable
    assert 'label="X | data (4, 3)" shape=record style=dashed' in source  # no gradient
    assert "W | data (3, 2) | grad (3, 2)" in source
    assert f"loss | data {loss.item():.4f} | grad 1.0000" in source
    assert source.count("shape=oval") == 4  # linear, relu, linear, mse
    for op in ("linear", "relu", "mse"):
        assert f"label={op} shape=oval" in source
    _, reference = build()
    reference.backward()
    assert grad_mismatches(loss, reference) == []
    net.layers[0].W.grad = net.layers[0].W.grad + 1.0  # as if one path were lost
    assert grad_mismatches(loss, reference) == [net.layers[0].W]


def test_blocking_nn_sigmoid_blocks_the_engines_route_to_it_too():
    from course_lib.check import BlockedFunctionError, blocked

    x = Tensor(np.array([0.0, 1.0], np.float32))
    assert x.sigmoid().data.dtype == np.float32
    with blocked(nn.sigmoid), pytest.raises(BlockedFunctionError):
        x.sigmoid()  # the same function object: no way around an exercise through Tensor
