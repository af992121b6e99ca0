"""Submissions per assignment: wrong ones must lose points and say why, right ones keep all.

WrongAnswer(student, exercise, code, hint, absent): the exercise's solution cell
(grade_id ``exercise``) replaced by ``code``; its test cell must lose points, show
``hint`` to the student, show none of ``absent`` (advice that would mislead), and
leave every other test cell at full marks.  Most are *dodges*: answers
that reach the expected number without doing what the exercise asks (another
exercise's function, course_lib's own version, ``Value``, a numerical derivative
where a formula is asked for), that ignore an argument, or that miss a boundary.

RightAnswer(student, exercise, code): a correct answer written differently from the
reference solution; the whole submission must keep full marks.

The grading fixture puts answers to different exercises into one submission (one
nbgrader run each), so a wrong answer must not depend on another exercise being wrong.
"""

from typing import NamedTuple


class WrongAnswer(NamedTuple):
    student: str
    exercise: str
    code: str
    hint: str
    absent: tuple = ()


class RightAnswer(NamedTuple):
    student: str
    exercise: str
    code: str


BY_HAND = "numerical approximation"  # check_exact's message for an approximated answer

WRONG = {
    "01_gradients": [
        # -- exercise 1, grad_q: a gradient by hand
        WrongAnswer("grad-q-own-numerical-grad", "grad_q", '''
def grad_q(x):
    return numerical_grad(q, x)  # exercise 2 (in JupyterLab it may have run already)
''', "your numerical_grad is switched off"),
        WrongAnswer("grad-q-course-lib-numerical", "grad_q", '''
def grad_q(x):
    return numerical_gradient(q, x)
''', "course_lib's numerical_gradient is switched off"),
        WrongAnswer("grad-q-value", "grad_q", '''
from course_lib.engine import Value


def grad_q(x):
    x1, x2 = Value(x[0]), Value(x[1])
    p = x1 * x2
    out = x1 * x1 * x2 + Value(np.sin(p.data))  # sin is not a Value op: patch it in
    out.backward()
    return np.array([x1.grad + x2.data * np.cos(p.data), x2.grad + x1.data * np.cos(p.data)])
''', "course_lib's Value is switched off"),
        WrongAnswer("grad-q-differences-of-q", "grad_q", '''
def grad_q(x):
    h = 1e-6
    return np.array([(q(x + e) - q(x - e)) / (2 * h) for e in np.eye(2) * h])
''', "your q is switched off"),
        WrongAnswer("grad-q-retyped-differences", "grad_q", '''
def grad_q(x):
    f = lambda v: v[0] ** 2 * v[1] + np.sin(v[0] * v[1])
    h = 1e-5
    return np.array([(f(x + e) - f(x - e)) / (2 * h) for e in np.eye(2) * h])
''', BY_HAND),
        WrongAnswer("grad-q-np-gradient", "grad_q", '''
def grad_q(x):
    f = lambda v: v[0] ** 2 * v[1] + np.sin(v[0] * v[1])
    h = 1e-4
    rows = []
    for e in np.eye(2):
        values = [f(x + k * h * e) for k in (-1, 0, 1)]
        rows.append(np.gradient(values, h)[1])
    return np.array(rows)
''', BY_HAND),
        WrongAnswer("grad-q-chain-rule-missing", "grad_q", '''
def grad_q(x):
    x1, x2 = x
    return np.array([2 * x1 * x2 + np.cos(x1 * x2), x1 ** 2 + np.cos(x1 * x2)])
''', "needs the chain rule"),
        # -- exercise 2, numerical_grad: central differences
        WrongAnswer("forward-difference", "numerical_grad", '''
def numerical_grad(f, x, h=1e-5):
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    fx = f(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        grad[i] = (f(x) - fx) / h
        x[i] = old
    return grad
''', "forward differences"),
        WrongAnswer("integer-input", "numerical_grad", '''
def numerical_grad(f, x, h=1e-5):
    x = np.array(x)  # keeps integers as integers
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad
''', "copy x as float64"),
        WrongAnswer("float32-kept", "numerical_grad", '''
def numerical_grad(f, x, h=1e-5):
    x = np.array(x, dtype=float) if np.asarray(x).dtype.kind in "iu" else np.array(x)
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad
''', "kept its own type"),
        WrongAnswer("step-ignored", "numerical_grad", '''
def numerical_grad(f, x, h=1e-5):
    step = 1e-6  # "a better h"
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + step
        f_plus = f(x)
        x[i] = old - step
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * step)
    return grad
''', "use the argument h"),
        WrongAnswer("numerical-grad-calls-course-lib", "numerical_grad", '''
def numerical_grad(f, x, h=1e-5):
    return numerical_gradient(f, x, h)
''', "course_lib's numerical_gradient is switched off"),
        WrongAnswer("numerical-grad-by-value", "numerical_grad", '''
from course_lib.engine import Value


def numerical_grad(f, x, h=1e-5):
    x = np.asarray(x, dtype=np.float64)
    leaves = np.array([Value(v) for v in x.ravel()], dtype=object)
    out = f(leaves.reshape(x.shape))  # reverse mode through an array of Values
    out.backward()
    return np.array([leaf.grad for leaf in leaves]).reshape(x.shape)
''', "course_lib's Value is switched off"),
        # -- exercise 3, jacobian_g: a Jacobian by hand
        WrongAnswer("transposed-jacobian", "jacobian_g", '''
def jacobian_g(x):
    x1, x2 = x
    return np.array([[2 * x1 * x2, 5.0, x2],
                     [x1 ** 2, np.cos(x2), x1]])
''', "transposed"),
        WrongAnswer("jacobian-own-numerical-grad", "jacobian_g", '''
def jacobian_g(x):
    return np.array([numerical_grad(lambda v: g(v)[i], x) for i in range(3)])
''', "your numerical_grad is switched off"),
        WrongAnswer("jacobian-captured-numerical-grad", "jacobian_g", '''
def jacobian_g(x, gradient=numerical_grad):  # captured when the cell ran
    g_ = lambda v: np.array([v[0] ** 2 * v[1], 5 * v[0] + np.sin(v[1]), v[0] * v[1]])
    return np.array([gradient(lambda v: g_(v)[i], x) for i in range(3)])
''', "your numerical_grad is switched off"),
        WrongAnswer("jacobian-differences-of-g", "jacobian_g", '''
def jacobian_g(x):
    h = 1e-6
    return np.stack([(g(x + e) - g(x - e)) / (2 * h) for e in np.eye(2) * h], axis=1)
''', "your g is switched off"),
        # -- exercise 4, sigmoid_grad
        WrongAnswer("sigma-from-output", "sigmoid_grad", '''
def sigmoid_grad(x):
    s = nn.sigmoid(x)
    return nn.sigmoid(s) * (1 - nn.sigmoid(s))
''', "sigmoid was applied twice"),
        WrongAnswer("sigma-of-input-formula", "sigmoid_grad", '''
def sigmoid_grad(x):
    return x * (1 - x)
''', "needs s = sigmoid(x), not x"),
        WrongAnswer("calls-course-lib", "sigmoid_grad", '''
def sigmoid_grad(x):
    return nn.sigmoid_grad(x)
''', "sigmoid_grad is switched off"),
        WrongAnswer("sigmoid-grad-via-backward-rule", "sigmoid_grad", '''
from course_lib.engine import rules


def sigmoid_grad(x):
    return rules.sigmoid_backward(np.ones_like(x), x)[0]
''', "course_lib's sigmoid_grad is switched off"),
        WrongAnswer("sigmoid-grad-via-tangent-rule", "sigmoid_grad", '''
from course_lib.engine.rules import TANGENT


def sigmoid_grad(x):
    return TANGENT["sigmoid"]([x], [np.ones_like(x)])
''', "course_lib's sigmoid_grad is switched off"),
        WrongAnswer("sigmoid-grad-private-name", "sigmoid_grad", '''
from course_lib.nn.activations import _sigmoid_grad


def sigmoid_grad(x):
    return _sigmoid_grad(x)
''', "course_lib's sigmoid_grad is switched off"),
        WrongAnswer("sigmoid-grad-differences", "sigmoid_grad", '''
def sigmoid_grad(x):
    h = 1e-5
    return (nn.sigmoid(x + h) - nn.sigmoid(x - h)) / (2 * h)
''', BY_HAND),
        # -- exercise 5, softmax
        WrongAnswer("softmax-over-columns", "softmax", '''
def softmax(z):
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - np.max(z))
    return e / e.sum(axis=0)
''', "each column sums to 1"),
        WrongAnswer("unstable-softmax", "softmax", '''
def softmax(z):
    e = np.exp(z)
    return e / np.sum(e, axis=-1, keepdims=True)
''', "RuntimeWarning: overflow"),
        WrongAnswer("softmax-global-max", "softmax", '''
def softmax(z):
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - np.max(z))  # one max for the whole batch
    return e / np.sum(e, axis=-1, keepdims=True)
''', "the max was taken over the whole batch"),
        WrongAnswer("softmax-private-name", "softmax", '''
from course_lib.nn.activations import _softmax


def softmax(z):
    return _softmax(z)
''', "course_lib's softmax is switched off"),
        WrongAnswer("softmax-from-a-known-mistake", "softmax", '''
from course_lib.check.mistakes import SOFTMAX_OVER_COLUMNS


def softmax(z):
    z = np.asarray(z, dtype=np.float64)
    return SOFTMAX_OVER_COLUMNS.wrong(z.T).T  # "over columns" of the transpose = over rows
''', "course_lib's softmax is switched off"),
        # -- exercise 6, softmax_jacobian
        WrongAnswer("diagonal-jacobian", "softmax_jacobian", '''
def softmax_jacobian(z):
    s = softmax(z)
    return np.diag(s * (1 - s))
''', "softmax is not elementwise"),
        WrongAnswer("softmax-jacobian-course-lib", "softmax_jacobian", '''
def softmax_jacobian(z):
    return nn.softmax_jacobian(z)
''', "course_lib's softmax_jacobian is switched off"),
        WrongAnswer("softmax-jacobian-own-numerical-grad", "softmax_jacobian", '''
def softmax_jacobian(z):
    return np.array([numerical_grad(lambda v: softmax(v)[i], z) for i in range(len(z))])
''', "your numerical_grad is switched off"),
        WrongAnswer("softmax-jacobian-differences", "softmax_jacobian", '''
def softmax_jacobian(z):
    h = 1e-6
    return np.stack([(softmax(z + e) - softmax(z - e)) / (2 * h)
                     for e in np.eye(len(z)) * h], axis=1)
''', BY_HAND),
        # -- exercise 7, gd_step
        WrongAnswer("uphill-step", "gd_step", '''
def gd_step(x, lr):
    return x + lr * np.array([2 * x[0], -2 * x[1]])
''', "opposite direction"),
        WrongAnswer("gd-step-ignores-lr", "gd_step", '''
def gd_step(x, lr):
    return x - 0.1 * np.array([2 * x[0], -2 * x[1]])  # the learning rate of the example
''', "proportional to lr"),
        WrongAnswer("gd-step-numerical-gradient", "gd_step", '''
def gd_step(x, lr):
    return x - lr * numerical_grad(lambda v: v[0] ** 2 - v[1] ** 2, x)
''', "your numerical_grad is switched off"),
        WrongAnswer("gd-step-in-place", "gd_step", '''
def gd_step(x, lr):
    x -= lr * np.array([2 * x[0], -2 * x[1]])
    return x
''', "in place"),
    ],
    "02_computational_graphs": [
        # -- exercise 1, topological_order
        WrongAnswer("dictionary-order", "topological_order", '''
def topological_order(graph):
    return list(graph)
''', "comes before its input"),
        WrongAnswer("recursive-order", "topological_order", '''
def topological_order(graph):
    order = []
    def visit(name):
        if name in order:
            return
        for i in graph[name][1]:
            visit(i)
        order.append(name)
    for name in graph:
        visit(name)
    return order
''', "RecursionError"),
        WrongAnswer("graphlib-order", "topological_order", '''
import graphlib


def topological_order(graph):
    sorter = graphlib.TopologicalSorter({n: ins for n, (op, ins) in graph.items()})
    return list(sorter.static_order())
''', "graphlib.TopologicalSorter is switched off"),
        WrongAnswer("engine-order", "topological_order", '''
from course_lib import engine


class _Node:
    def __init__(self, name):
        self.name, self.parents = name, ()


def topological_order(graph):
    nodes = {name: _Node(name) for name in graph}
    for name, (op, ins) in graph.items():
        nodes[name].parents = tuple(nodes[i] for i in ins)
    out = _Node("out")
    out.parents = tuple(nodes.values())
    return [node.name for node in engine.topological_order(out)][:-1]
''', "course_lib's topological_order is switched off"),
        WrongAnswer("sort-by-number", "topological_order", '''
def topological_order(graph):
    # the example graphs number their nodes in creation order
    inputs = [n for n, (op, _) in graph.items() if op == "input"]
    others = [n for n in graph if n not in inputs]
    return inputs + sorted(others, key=lambda n: int("".join(filter(str.isdigit, n)) or 0))
''', "comes before its input"),
        # -- exercise 2, evaluate
        WrongAnswer("evaluate-own-order", "evaluate", '''
def evaluate(graph, order, feed):
    values = {}
    for name in topological_order(graph):  # never mind the order given
        op, inputs = graph[name]
        values[name] = feed[name] if op == "input" else OPS[op](*[values[i] for i in inputs])
    return values
''', "your topological_order is switched off"),
        WrongAnswer("evaluate-via-course-lib", "evaluate", '''
from course_lib.engine.rules import evaluate as _run


def evaluate(graph, order, feed):
    return _run({name: graph[name] for name in order}, feed)  # notebook 03's evaluator
''', "course_lib's evaluate is switched off"),
        WrongAnswer("evaluate-dictionary-order", "evaluate", '''
def evaluate(graph, order, feed):
    values = {}
    for name, (op, inputs) in graph.items():
        values[name] = feed[name] if op == "input" else OPS[op](*[values[i] for i in inputs])
    return values
''', "KeyError"),
        WrongAnswer("evaluate-recursive", "evaluate", '''
def evaluate(graph, order, feed):
    values = {}
    def value(name):
        if name not in values:
            op, inputs = graph[name]
            values[name] = feed[name] if op == "input" else OPS[op](*map(value, inputs))
        return values[name]
    for name in graph:
        value(name)
    return values
''', "RecursionError"),
        # -- exercise 3, neuron
        WrongAnswer("float-neuron", "neuron", '''
def neuron(x, w, b):
    z = sum(xi.data * wi.data for xi, wi in zip(x, w)) + b.data
    return Value(z).sigmoid()
''', "compute with Value operations"),
        WrongAnswer("neuron-graph-for-show", "neuron", '''
def neuron(x, w, b):
    z = sum(xi.data * wi.data for xi, wi in zip(x, w)) + b.data
    out = Value(z).sigmoid()
    for v in x + w + [b]:
        out = out + 0 * v  # every input is "in the graph" now
    return out
''', "no gradient reaches the inputs"),
        # -- exercise 4, layer_forward
        WrongAnswer("layer-transposed", "layer_forward", '''
def layer_forward(X, W, b, activation):
    return activation(X @ W.T + b)
''', "this is X @ W.T"),
        WrongAnswer("layer-bias-after-activation", "layer_forward", '''
def layer_forward(X, W, b, activation):
    return activation(X @ W) + b
''', "the bias is added after the activation"),
        # -- exercise 5, forward
        WrongAnswer("slides-forward", "forward", '''
def forward(X, layers):
    a = X
    for W, b, activation in layers:
        a = a @ W + b
    return a
''', "the slides' bug"),
        WrongAnswer("forward-transposed", "forward", '''
def forward(X, layers):
    a = X
    for W, b, activation in layers:
        a = activation(a @ W.T + b)
    return a
''', "this is a @ W.T"),
        WrongAnswer("forward-last-activation-only", "forward", '''
def forward(X, layers):
    a = X
    for W, b, activation in layers:
        a = a @ W + b
    return layers[-1][2](a)
''', "only the last layer's activation"),
        # -- exercise 6, graph_221
        WrongAnswer("graph-221-swapped-matmul", "graph_221", '''
def graph_221():
    return {"I": ("input", []), "W1": ("input", []), "W2": ("input", []),
            "Z1": ("matmul", ["I", "W1"]), "H": ("sigmoid", ["Z1"]),
            "Z2": ("matmul", ["W2", "H"]), "O": ("sigmoid", ["Z2"])}
''', "the arguments of a matmul are in the wrong order"),
        WrongAnswer("graph-221-own-operation", "graph_221", '''
OPS["net221"] = lambda I, W1, W2: nn.sigmoid(W2 @ nn.sigmoid(W1 @ I))


def graph_221():
    return {"I": ("input", []), "W1": ("input", []), "W2": ("input", []),
            "O": ("net221", ["I", "W1", "W2"])}
''', "not in OPS"),
        # -- exercise 7, count_parameters
        WrongAnswer("no-biases", "count_parameters", '''
def count_parameters(sizes):
    return sum(n_in * n_out for n_in, n_out in zip(sizes, sizes[1:]))
''', "biases are missing"),
        WrongAnswer("count-by-building", "count_parameters", '''
def count_parameters(sizes):
    return len(nn.MLP(sizes).parameters())
''', "course_lib's MLP is switched off"),
        WrongAnswer("count-hard-coded", "count_parameters", '''
def count_parameters(sizes):
    return {(4, 3, 2): 23, (2, 16, 16, 1): 337}[tuple(sizes)]
''', "KeyError"),
    ],
    "03_chain_rule": [
        # -- exercise 1, chain_stored
        WrongAnswer("stored-but-recomputing", "chain_stored", '''
def chain_stored(f, df, w, n):
    derivative = 1.0
    for k in range(n):
        x = w
        for _ in range(k):
            x = f(x)
        derivative *= df(x)
    return derivative
''', "needs at most"),
        WrongAnswer("stored-by-differences", "chain_stored", '''
def chain_stored(f, df, w, n):
    def x_n(v):
        for _ in range(n):
            v = f(v)
        return v
    h = 1e-6
    return (x_n(w + h) - x_n(w - h)) / (2 * h)
''', "needs at most"),
        WrongAnswer("stored-by-value", "chain_stored", '''
from course_lib.engine import Value


def chain_stored(f, df, w, n):
    x = Value(w)
    out = x
    for _ in range(n):
        out = f(out)  # works for f = x * x
    out.backward()
    return x.grad
''', "course_lib's Value is switched off"),
        # -- exercise 2, chain_recomputed
        WrongAnswer("recomputed-calls-stored", "chain_recomputed", '''
def chain_recomputed(f, df, w, n):
    return chain_stored(f, df, w, n)
''', "your chain_stored is switched off"),
        WrongAnswer("recomputed-but-stored", "chain_recomputed", '''
def chain_recomputed(f, df, w, n):
    x, derivative = w, 1.0
    for _ in range(n):
        derivative *= df(x)
        x = f(x)
    return derivative
''', "n(n-1)/2"),
        # -- exercise 3, grad_e
        WrongAnswer("one-path", "grad_e", '''
def grad_e(a, b):
    return np.array([b + 1, b + 1])
''', "has two paths"),
        WrongAnswer("grad-e-value", "grad_e", '''
def grad_e(a, b):
    va, vb = Value(a), Value(b)
    e = (va + vb) * (vb + 1)
    e.backward()
    return np.array([va.grad, vb.grad])
''', "course_lib's Value is switched off"),
        WrongAnswer("grad-e-course-lib-numerical", "grad_e", '''
def grad_e(a, b):
    return numerical_gradient(lambda v: (v[0] + v[1]) * (v[1] + 1), np.array([a, b]))
''', "course_lib's numerical_gradient is switched off"),
        WrongAnswer("grad-e-differences", "grad_e", '''
def grad_e(a, b):
    e = lambda a, b: (a + b) * (b + 1)
    h = 1e-5
    return np.array([(e(a + h, b) - e(a - h, b)) / (2 * h), (e(a, b + h) - e(a, b - h)) / (2 * h)])
''', BY_HAND),
        WrongAnswer("grad-e-by-backward", "grad_e", '''
from course_lib.engine.rules import BACKWARD


def grad_e(a, b):
    graph = {"a": ("input", []), "b": ("input", []), "one": ("input", []),
             "c": ("add", ["a", "b"]), "d": ("add", ["b", "one"]), "e": ("mul", ["c", "d"])}
    values = {"a": a, "b": b, "one": 1.0, "c": a + b, "d": b + 1, "e": (a + b) * (b + 1)}
    grads = backward(graph, values, BACKWARD)  # exercise 7 (in JupyterLab it may have run)
    return np.array([grads["a"], grads["b"]])
''', "your backward is switched off"),
        # -- exercise 4, neuron_grads
        WrongAnswer("neuron-grads-slides-sigma-prime", "neuron_grads", '''
from course_lib import nn


def neuron_grads(x, w, b, y):
    y_hat = nn.sigmoid(np.dot(x, w) + b)
    delta = (y_hat - y) * nn.sigmoid_grad(y_hat)
    return delta * np.asarray(x), float(delta)
''', "as one slide does"),
        WrongAnswer("neuron-grads-sign", "neuron_grads", '''
from course_lib import nn


def neuron_grads(x, w, b, y):
    y_hat = nn.sigmoid(np.dot(x, w) + b)
    delta = (y - y_hat) * y_hat * (1 - y_hat)
    return delta * np.asarray(x), float(delta)
''', "wrong sign"),
        WrongAnswer("neuron-grads-value", "neuron_grads", '''
from course_lib import nn


def neuron_grads(x, w, b, y):
    ws, bv = [Value(v) for v in w], Value(b)
    z = bv
    for xi, wi in zip(x, ws):
        z = z + wi * float(xi)
    err = (z.sigmoid() - y) ** 2 * 0.5
    err.backward()
    return np.array([wi.grad for wi in ws]), bv.grad
''', "course_lib's Value is switched off"),
        WrongAnswer("neuron-grads-differences", "neuron_grads", '''
from course_lib import nn


def neuron_grads(x, w, b, y):
    E = lambda w, b: 0.5 * (nn.sigmoid(np.dot(x, w) + b) - y) ** 2
    h = 1e-5
    w = np.asarray(w, dtype=float)
    dw = np.array([(E(w + e, b) - E(w - e, b)) / (2 * h) for e in np.eye(len(w)) * h])
    return dw, (E(w, b + h) - E(w, b - h)) / (2 * h)
''', BY_HAND),
        # -- exercise 5, add and mul backward
        WrongAnswer("swapped-factors", "binary_rules", '''
def add_backward(dout, x, y):
    return dout, dout


def mul_backward(dout, x, y):
    return dout * x, dout * y
''', "the factors are swapped"),
        WrongAnswer("binary-rules-from-course-lib", "binary_rules", '''
from course_lib.engine.rules import add_backward, mul_backward
''', "course_lib's add_backward is switched off"),
        WrongAnswer("mul-backward-by-tangent", "binary_rules", '''
def add_backward(dout, x, y):
    return dout, dout


def mul_backward(dout, x, y):
    zero = 0 * dout
    return TANGENT["mul"]([x, y], [dout, zero]), TANGENT["mul"]([x, y], [zero, dout])
''', "course_lib's TANGENT['mul'] is switched off"),
        # -- exercise 6, relu and sigmoid backward
        WrongAnswer("sigmoid-of-output", "unary_rules", '''
from course_lib import nn


def relu_backward(dout, x):
    return (dout * (x > 0),)


def sigmoid_backward(dout, x):
    return (dout * x * (1 - x),)
''', "x is the input"),
        WrongAnswer("relu-at-zero", "unary_rules", '''
from course_lib import nn


def relu_backward(dout, x):
    return (dout * (x >= 0),)


def sigmoid_backward(dout, x):
    s = nn.sigmoid(x)
    return (dout * s * (1 - s),)
''', "at x = 0 this course's convention is 0"),
        WrongAnswer("relu-backward-by-relu-grad", "unary_rules", '''
from course_lib import nn


def relu_backward(dout, x):
    return (dout * nn.relu_grad(x),)


def sigmoid_backward(dout, x):
    s = nn.sigmoid(x)
    return (dout * s * (1 - s),)
''', "course_lib's relu_grad is switched off"),
        # -- exercise 7, backward
        WrongAnswer("assign-not-add", "backward", '''
def backward(graph, values, rules):
    names = list(graph)
    grads = {name: 0.0 for name in names}
    grads[names[-1]] = 1.0
    for name in reversed(names):
        op, inputs = graph[name]
        if op != "input":
            for i, g in zip(inputs, rules[op](grads[name], *[values[i] for i in inputs])):
                grads[i] = g
    return grads
''', "must add up the gradients"),
        WrongAnswer("backward-ignores-rules", "backward", '''
from course_lib.engine.rules import BACKWARD


def backward(graph, values, rules):
    names = list(graph)
    grads = {name: 0.0 for name in names}
    grads[names[-1]] = 1.0
    for name in reversed(names):
        op, inputs = graph[name]
        if op != "input":
            for i, g in zip(inputs, BACKWARD[op](grads[name], *[values[i] for i in inputs])):
                grads[i] = grads[i] + g
    return grads
''', "never called the rules it was given"),
        WrongAnswer("backward-by-value", "backward", '''
def backward(graph, values, rules):
    nodes = {}
    for name, (op, inputs) in graph.items():
        if op == "input":
            nodes[name] = Value(values[name])
        elif op == "add":
            nodes[name] = nodes[inputs[0]] + nodes[inputs[1]]
        elif op == "mul":
            nodes[name] = nodes[inputs[0]] * nodes[inputs[1]]
        else:
            nodes[name] = getattr(nodes[inputs[0]], op)()
    nodes[list(graph)[-1]].backward()
    return {name: node.grad for name, node in nodes.items()}
''', "course_lib's Value is switched off"),
        WrongAnswer("backward-by-forward-mode", "backward", '''
def backward(graph, values, rules):
    # one forward-mode pass per node (exercise 8; in JupyterLab it may have run already)
    return {name: forward_mode(graph, values, name) for name in graph}
''', "your forward_mode is switched off"),
        # -- exercise 8, forward_mode
        WrongAnswer("forward-mode-by-backward", "forward_mode", '''
from course_lib.engine.rules import BACKWARD


def forward_mode(graph, values, wrt):
    return backward(graph, values, BACKWARD)[wrt]
''', "your backward is switched off"),
        WrongAnswer("forward-mode-differences", "forward_mode", '''
def forward_mode(graph, values, wrt):
    def output(v):
        vals = dict(values, **{wrt: v})
        for name, (op, inputs) in graph.items():
            if op != "input":
                vals[name] = FORWARD[op](*[vals[i] for i in inputs])
        return vals[list(graph)[-1]]
    h = 1e-5
    return (output(values[wrt] + h) - output(values[wrt] - h)) / (2 * h)
''', BY_HAND),
    ],
}

RIGHT = {
    "01_gradients": [
        RightAnswer("grad-q-factored", "grad_q", '''
def grad_q(x):
    c = np.cos(x[0] * x[1])
    return np.array([x[1] * (2 * x[0] + c), x[0] * (x[0] + c)])
'''),
        RightAnswer("numerical-grad-fresh-arrays", "numerical_grad", '''
def numerical_grad(f, x, h=1e-5):
    x = np.asarray(x, dtype=np.float64)
    grad = np.empty(x.shape)
    for i in np.ndindex(x.shape):
        step = np.zeros(x.shape)
        step[i] = h
        grad[i] = (f(x + step) - f(x - step)) / (2 * h)
    return grad
'''),
        RightAnswer("jacobian-stacked-rows", "jacobian_g", '''
def jacobian_g(x):
    x1, x2 = float(x[0]), float(x[1])
    rows = [[2 * x1 * x2, x1 * x1], [5, np.cos(x2)], [x2, x1]]
    return np.vstack([np.array(r, dtype=float) for r in rows])
'''),
        RightAnswer("sigmoid-grad-symmetric", "sigmoid_grad", '''
def sigmoid_grad(x):
    return nn.sigmoid(x) * nn.sigmoid(-np.asarray(x, dtype=float))
'''),
        RightAnswer("sigmoid-grad-tanh", "sigmoid_grad", '''
def sigmoid_grad(x):
    return 0.25 * (1 - np.tanh(np.asarray(x, dtype=float) / 2) ** 2)
'''),
        RightAnswer("softmax-log-sum-exp", "softmax", '''
def softmax(z):
    z = np.asarray(z, dtype=np.float64)
    m = z.max(axis=-1, keepdims=True)
    log_sum = m + np.log(np.exp(z - m).sum(axis=-1, keepdims=True))
    return np.exp(z - log_sum)
'''),
        RightAnswer("softmax-jacobian-broadcast", "softmax_jacobian", '''
def softmax_jacobian(z):
    s = softmax(z)
    return s[:, None] * (np.eye(len(s)) - s[None, :])
'''),
        RightAnswer("gd-step-copy", "gd_step", '''
def gd_step(x, lr):
    new = np.array(x, dtype=float)
    new[0] -= lr * 2 * x[0]
    new[1] += lr * 2 * x[1]
    return new
'''),
    ],
    "02_computational_graphs": [
        RightAnswer("kahn-order", "topological_order", '''
from collections import deque


def topological_order(graph):
    waiting = {name: len(inputs) for name, (op, inputs) in graph.items()}
    users = {name: [] for name in graph}
    for name, (op, inputs) in graph.items():
        for i in inputs:
            users[i].append(name)
    ready = deque(name for name, k in waiting.items() if k == 0)
    order = []
    while ready:
        name = ready.popleft()
        order.append(name)
        for user in users[name]:
            waiting[user] -= 1
            if waiting[user] == 0:
                ready.append(user)
    return order
'''),
        RightAnswer("evaluate-lookup", "evaluate", '''
def evaluate(graph, order, feed):
    values = dict(feed)
    for name in order:
        op, inputs = graph[name]
        if op != "input":
            values[name] = OPS[op](*(values[i] for i in inputs))
    return {name: values[name] for name in graph}
'''),
        RightAnswer("neuron-written-out", "neuron", '''
def neuron(x, w, b):
    z = sum((xi * wi for xi, wi in zip(x, w)), b)
    return 1 / (1 + (-z).exp())
'''),
        RightAnswer("layer-einsum", "layer_forward", '''
def layer_forward(X, W, b, activation):
    return activation(np.einsum("nd,dm->nm", X, W) + b[None, :])
'''),
        RightAnswer("forward-by-layer-forward", "forward", '''
def forward(X, layers):
    for W, b, activation in layers:
        X = layer_forward(X, W, b, activation)
    return X
'''),
        RightAnswer("forward-reduce", "forward", '''
from functools import reduce


def forward(X, layers):
    return reduce(lambda a, layer: layer[2](a @ layer[0] + layer[1]), layers, X)
'''),
        RightAnswer("graph-221-other-names", "graph_221", '''
def graph_221():
    graph = {"O": ("sigmoid", ["net2"]), "net2": ("matmul", ["W2", "hidden"]),
             "hidden": ("sigmoid", ["net1"]), "net1": ("matmul", ["W1", "I"])}
    graph.update(I=("input", []), W1=("input", []), W2=("input", []))
    return graph
'''),
        RightAnswer("count-loop", "count_parameters", '''
def count_parameters(sizes):
    total = 0
    for k in range(1, len(sizes)):
        total += (sizes[k - 1] + 1) * sizes[k]
    return total
'''),
    ],
    "03_chain_rule": [
        RightAnswer("stored-natural-loop", "chain_stored", '''
def chain_stored(f, df, w, n):
    x, derivative = w, 1.0
    for _ in range(n):
        derivative *= df(x)
        x = f(x)  # also computes x_n, which the product does not need
    return derivative
'''),
        RightAnswer("stored-recursive", "chain_stored", '''
def chain_stored(f, df, w, n):
    if n == 1:
        return df(w)
    return df(w) * chain_stored(f, df, f(w), n - 1)
'''),
        RightAnswer("recomputed-compose", "chain_recomputed", '''
def chain_recomputed(f, df, w, n):
    def x_k(k):
        x = w
        for _ in range(k):
            x = f(x)
        return x
    return float(np.prod([df(x_k(k)) for k in range(n)]))
'''),
        RightAnswer("grad-e-expanded", "grad_e", '''
def grad_e(a, b):
    # e = ab + a + b^2 + b
    return np.array([b + 1.0, a + 2 * b + 1.0])
'''),
        RightAnswer("neuron-grads-sigmoid-grad", "neuron_grads", '''
from course_lib import nn


def neuron_grads(x, w, b, y):
    z = float(np.dot(x, w) + b)
    delta = (nn.sigmoid(z) - y) * nn.sigmoid_grad(z)
    return np.array([delta * xi for xi in x]), delta
'''),
        RightAnswer("binary-rules-ufuncs", "binary_rules", '''
def add_backward(dout, x, y):
    return np.copy(dout), np.copy(dout)


def mul_backward(dout, x, y):
    return np.multiply(y, dout), np.multiply(x, dout)
'''),
        RightAnswer("unary-rules-where", "unary_rules", '''
from course_lib import nn


def relu_backward(dout, x):
    return (np.where(np.asarray(x) > 0, dout, 0.0),)


def sigmoid_backward(dout, x):
    x = np.asarray(x, dtype=float)
    return (dout * nn.sigmoid(x) * nn.sigmoid(-x),)
'''),
        RightAnswer("backward-collect-then-sum", "backward", '''
def backward(graph, values, rules):
    names = list(graph)
    arrived = {name: [] for name in names}  # the book's build_grad: collect, then sum
    arrived[names[-1]].append(1.0)
    grads = {}
    for name in reversed(names):
        grads[name] = sum(arrived[name]) if arrived[name] else 0.0
        op, inputs = graph[name]
        if op != "input" and arrived[name]:
            for i, g in zip(inputs, rules[op](grads[name], *[values[i] for i in inputs])):
                arrived[i].append(g)
    return grads
'''),
        RightAnswer("forward-mode-ones", "forward_mode", '''
def forward_mode(graph, values, wrt):
    dot = {}
    for name, (op, inputs) in graph.items():
        if op == "input":
            dot[name] = np.ones_like(values[name]) if name == wrt else np.zeros_like(values[name])
        else:
            dot[name] = TANGENT[op]([values[i] for i in inputs], [dot[i] for i in inputs])
    return dot[next(reversed(graph))]
'''),
    ],
}


# Answers whose message once sent a student the wrong way (issue 11): graded
# through nbgrader, the message must name the real problem and none of `absent`.
WRONG["01_gradients"] += [
    WrongAnswer("float32-differences", "numerical_grad", '''
def numerical_grad(f, x, h=1e-5):
    x = np.array(x, dtype=np.float32)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad
''', "compute in float64", ("times the expected",)),
]
WRONG["02_computational_graphs"] += [
    WrongAnswer("syntax-error", "topological_order", '''
def topological_order(graph):
    order = []
    for name in graph
        order.append(name)
    return order
''', "did not run: SyntaxError at line", ("Traceback",)),
]
WRONG["03_chain_rule"] += [
    WrongAnswer("relu-without-tuple", "unary_rules", '''
from course_lib import nn


def relu_backward(dout, x):
    return dout * (x > 0)


def sigmoid_backward(dout, x):
    s = nn.sigmoid(x)
    return (dout * s * (1 - s),)
''', "Expected a tuple of 1 entry, got a NumPy array", ("reshape",)),
]


# -- 04_backprop: backward passes by hand; the engine is switched off where it would do the work
WRONG["04_backprop"] = [
    # -- exercise 1, eth_gradients
    WrongAnswer("eth-by-tensor", "eth_gradients", '''
def eth_gradients(w, x, target):
    w = Tensor(np.asarray(w, dtype=float))
    error = (target - w[3:].sum() * (np.asarray(x) @ w[:3]).relu()) ** 2
    error.backward()
    return w.grad
''', "course_lib's Tensor is switched off"),
    WrongAnswer("eth-kink-as-one", "eth_gradients", '''
def eth_gradients(w, x, target):
    z = float(np.dot(x, w[:3]))
    on = 1.0 if z >= 0 else 0.0
    y = w[3] * on * z
    d_y = -2.0 * (target - y)
    return np.append(d_y * w[3] * on * np.asarray(x, dtype=float), d_y * on * z)
''', "ReLU's derivative as 0"),
    WrongAnswer("eth-relu-forgotten", "eth_gradients", '''
def eth_gradients(w, x, target):
    z = float(np.dot(x, w[:3]))
    y = w[3] * max(z, 0.0)
    d_y = -2.0 * (target - y)
    return np.append(d_y * w[3] * np.asarray(x, dtype=float), d_y * max(z, 0.0))
''', "ReLU passes nothing back"),
    # -- exercise 2, backprop_221
    WrongAnswer("221-sigma-at-output", "backprop_221", '''
def backprop_221(I, Y, W1, W2):
    H = nn.sigmoid(I @ W1)
    O = nn.sigmoid(H @ W2)
    d_z2 = (O - Y) * nn.sigmoid_grad(O)
    d_z1 = d_z2 * W2 * nn.sigmoid_grad(H)
    return float(0.5 * (Y - O) ** 2), np.outer(I, d_z1), d_z2 * H
''', "the sigmoid's derivative belongs at its input z"),
    WrongAnswer("221-transposed", "backprop_221", '''
def backprop_221(I, Y, W1, W2):
    H = nn.sigmoid(I @ W1)
    O = nn.sigmoid(H @ W2)
    d_z2 = (O - Y) * O * (1 - O)
    d_z1 = d_z2 * W2 * H * (1 - H)
    return float(0.5 * (Y - O) ** 2), np.outer(d_z1, I), d_z2 * H
''', "dW1 is transposed"),
    WrongAnswer("221-numerical", "backprop_221", '''
def backprop_221(I, Y, W1, W2):
    def error(W1, W2):
        return 0.5 * (Y - nn.sigmoid(nn.sigmoid(I @ W1) @ W2)) ** 2
    return (float(error(W1, W2)), numerical_gradient(lambda A: error(A, W2), W1),
            numerical_gradient(lambda b: error(W1, b), W2))
''', "course_lib's numerical_gradient is switched off"),
    # -- exercise 3, ibm_step
    WrongAnswer("ibm-uniform-delta", "ibm_step", '''
def ibm_step(x, W, t, lr):
    return W - lr * (x @ W - t)
''', "the gradient of W_ij is x_i (o_j - t_j)"),
    WrongAnswer("ibm-keras-mse", "ibm_step", '''
def ibm_step(x, W, t, lr):
    o = x @ W
    return W - lr * np.outer(x, 2 * (o - t) / len(t))
''', "a step on the mean of (t - o)^2"),
    WrongAnswer("ibm-in-place", "ibm_step", '''
def ibm_step(x, W, t, lr):
    W -= lr * np.outer(x, x @ W - t)
    return W
''', "changed its input array in place"),
    # -- exercise 4, linear_backward
    WrongAnswer("linear-db-mean", "linear_backward", '''
def linear_backward(dout, x, W, b):
    return dout @ W.T, x.T @ dout, dout.mean(axis=0)
''', "db is the mean over the batch"),
    WrongAnswer("linear-float64", "linear_backward", '''
def linear_backward(dout, x, W, b):
    dout, x, W = (np.asarray(a, dtype=np.float64) for a in (dout, x, W))
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)
''', "keep the inputs' dtype"),
    WrongAnswer("linear-by-tensor", "linear_backward", '''
def linear_backward(dout, x, W, b):
    x, W, b = Tensor(x), Tensor(W), Tensor(b)
    ((x @ W + b) * dout).sum().backward()
    return x.grad, W.grad, b.grad
''', "course_lib's Tensor is switched off"),
    # -- exercise 5, two_layer_backward
    WrongAnswer("two-layer-no-mean", "two_layer_backward", '''
def two_layer_backward(X, Y, W1, b1, W2, b2):
    Z1 = X @ W1 + b1
    H = np.maximum(Z1, 0.0)
    O = H @ W2 + b2
    dO = O - Y
    dZ1 = (dO @ W2.T) * (Z1 > 0)
    return 0.5 * np.sum((O - Y) ** 2), X.T @ dZ1, dZ1.sum(axis=0), H.T @ dO, dO.sum(axis=0)
''', "the 1/N is missing"),
    WrongAnswer("two-layer-kink-as-one", "two_layer_backward", '''
def two_layer_backward(X, Y, W1, b1, W2, b2):
    n = X.shape[0]
    Z1 = X @ W1 + b1
    H = np.maximum(Z1, 0.0)
    O = H @ W2 + b2
    dO = (O - Y) / n
    dZ1 = (dO @ W2.T) * (Z1 >= 0)
    return (0.5 * np.sum((O - Y) ** 2) / n, X.T @ dZ1, dZ1.sum(axis=0), H.T @ dO,
            dO.sum(axis=0))
''', "ReLU's derivative there is 0"),
    WrongAnswer("two-layer-by-engine-mlp", "two_layer_backward", '''
def two_layer_backward(X, Y, W1, b1, W2, b2):
    net = nn.TensorMLP([W1.shape[0], W1.shape[1], W2.shape[1]])
    for p, value in zip(net.parameters(), (W1, b1, W2, b2)):
        p.data = value.copy()
    J = nn.half_sse(net(X), Y) / X.shape[0]
    J.backward()
    return (J.item(), *[p.grad for p in net.parameters()])
''', "is switched off while this exercise is graded"),
    # -- exercise 6, build_grad
    WrongAnswer("build-grad-no-memo", "build_grad", '''
def build_grad(v, consumers, table, bprop):
    if not consumers[v]:
        return table[v]
    g = sum(bprop(C, i, build_grad(C, consumers, table, bprop)) for C, i in consumers[v])
    table[v] = g
    return g
''', "passed its gradient a second time"),
    WrongAnswer("build-grad-engine", "build_grad", '''
def build_grad(v, consumers, table, bprop):
    (z,) = [node for node in consumers if not consumers[node]]
    table[v] = grad_table(z)[v]
    return table[v]
''', "course_lib's grad_table is switched off"),
    WrongAnswer("build-grad-not-stored", "build_grad", '''
def build_grad(v, consumers, table, bprop):
    if v in table:
        return table[v]
    memo = dict(table)
    def rec(node):
        if node not in memo:
            memo[node] = sum(bprop(C, i, rec(C)) for C, i in consumers[node])
        return memo[node]
    return rec(v)
''', "did not store its result"),
    # -- exercise 7, hessian_vector_product
    WrongAnswer("hvp-full-hessian", "hessian_vector_product", '''
def hessian_vector_product(f, x, v):
    x = Tensor(x)
    (g,) = grad(f(x), [x])
    rows = []
    for e in np.eye(x.data.size):
        (row,) = grad((g * e.reshape(x.data.shape)).sum(), [x])
        rows.append(row.data.ravel())
    return (np.array(rows) @ np.ravel(v)).reshape(x.data.shape)
''', "that builds the Hessian entry by entry"),
    WrongAnswer("hvp-v-ignored", "hessian_vector_product", '''
def hessian_vector_product(f, x, v):
    x = Tensor(x)
    (g,) = grad(f(x), [x])
    (hv,) = grad(g.sum(), [x])
    return hv.data
''', "multiply by the v you are given"),
    WrongAnswer("hvp-differences-of-gradients", "hessian_vector_product", '''
def hessian_vector_product(f, x, v):
    h = 1e-5
    def gradient(at):
        t = Tensor(at)
        f(t).backward()
        return t.grad
    return (gradient(x + h * v) - gradient(x - h * v)) / (2 * h)
''', BY_HAND),
    # -- exercise 8, count_paths
    # (an answer that walks every path is in test_messages.py: through nbgrader it would also
    # spend the cell time limit on the demo with 2^40 paths below the test)
    WrongAnswer("count-paths-to-output", "count_paths", '''
def count_paths(v, z, consumers):
    known = {}
    def paths_from(node):
        if node not in known:
            known[node] = sum(paths_from(C) for C, _ in consumers[node]) if consumers[node] else 1
        return known[node]
    return paths_from(v)
''', "a path ends where it reaches z"),
    WrongAnswer("count-paths-per-node", "count_paths", '''
def count_paths(v, z, consumers):
    known = {z: 1}
    def paths_from(node):
        if node not in known:
            known[node] = sum(paths_from(C) for C in {C for C, _ in consumers[node]})
        return known[node]
    return paths_from(v)
''', "every edge is a path of its own"),
]

RIGHT["04_backprop"] = [
    RightAnswer("eth-where", "eth_gradients", '''
def eth_gradients(w, x, target):
    w, x = np.asarray(w, dtype=float), np.asarray(x, dtype=float)
    z = x @ w[:3]
    o1 = np.where(z > 0, z, 0.0)
    d_y = 2.0 * (w[3] * o1 - target)
    return np.concatenate([d_y * w[3] * np.where(z > 0, 1.0, 0.0) * x, [d_y * o1]])
'''),
    RightAnswer("221-sigmoid-grad-at-z", "backprop_221", '''
def backprop_221(I, Y, W1, W2):
    z1 = I @ W1
    H = nn.sigmoid(z1)
    z2 = H @ W2
    O = nn.sigmoid(z2)
    delta2 = (O - Y) * nn.sigmoid_grad(z2)
    delta1 = nn.sigmoid_grad(z1) * W2 * delta2
    return 0.5 * float((O - Y) ** 2), I[:, None] * delta1[None, :], delta2 * H
'''),
    RightAnswer("ibm-loops", "ibm_step", '''
def ibm_step(x, W, t, lr):
    o = x @ W
    new = W.copy()
    for i in range(W.shape[0]):
        for j in range(W.shape[1]):
            new[i, j] -= lr * x[i] * (o[j] - t[j])
    return new
'''),
    RightAnswer("linear-einsum", "linear_backward", '''
def linear_backward(dout, x, W, b):
    return (np.einsum("nm,dm->nd", dout, W), np.einsum("nd,nm->dm", x, dout),
            np.einsum("nm->m", dout))
'''),
    RightAnswer("two-layer-by-linear-backward", "two_layer_backward", '''
def two_layer_backward(X, Y, W1, b1, W2, b2):
    n = len(X)
    Z1 = X @ W1 + b1
    H = Z1 * (Z1 > 0)
    O = H @ W2 + b2
    dO = (O - Y) / n
    dH, dW2, db2 = linear_backward(dO, H, W2, b2)
    _, dW1, db1 = linear_backward(np.where(Z1 > 0, dH, 0.0), X, W1, b1)
    return float(np.sum((O - Y) ** 2) / (2 * n)), dW1, db1, dW2, db2
'''),
    RightAnswer("build-grad-stack", "build_grad", '''
def build_grad(v, consumers, table, bprop):
    # without recursion: finish the consumers first, as the book's recursion would
    stack = [v]
    while stack:
        node = stack[-1]
        if node in table:
            stack.pop()
            continue
        waiting = [C for C, _ in consumers[node] if C not in table]
        if waiting:
            stack.extend(waiting)
        else:
            table[node] = sum(bprop(C, i, table[C]) for C, i in consumers[node])
            stack.pop()
    return table[v]
'''),
    RightAnswer("hvp-constant-v", "hessian_vector_product", '''
def hessian_vector_product(f, x, v):
    t = Tensor(np.asarray(x, dtype=float))
    g = grad(f(t), [t])[0]
    return grad((g * Tensor(v, requires_grad=False)).sum(), [t])[0].data
'''),
    RightAnswer("count-paths-topological", "count_paths", '''
def count_paths(v, z, consumers):
    counts = {z: 1}
    for node in reversed(topological_order(z)):  # the nodes z depends on, z first
        if node is not z:
            counts[node] = sum(counts.get(C, 0) for C, _ in consumers[node])
    return counts.get(v, 0)  # no path from a node z does not depend on
'''),
]


# -- 05_sgd and 06_cross_entropy: a few pointed wrong answers per exercise, one right one each
WRONG["05_sgd"] = [
    WrongAnswer("predict-by-running-sgd", "predict_outcome", '''
def predict_outcome(x, lr):
    W = Tensor(np.ones((len(x), 1)))
    losses = []
    for _ in range(3):
        E = half_sse(np.asarray(x)[None, :] @ W, np.zeros((1, 1)))
        losses.append(E.item())
        W.grad = None
        E.backward()
        W.data -= lr * W.grad
    return "diverges" if losses[-1] > losses[0] else "smooth"
''', "course_lib's Tensor is switched off"),
    WrongAnswer("predict-lecture-thresholds", "predict_outcome", '''
def predict_outcome(x, lr):
    # the thresholds of the lecture's flower, whatever x is
    if lr == 0:
        return "constant"
    if abs(lr - 1 / 35.01) < 1e-12:
        return "one step"
    if abs(lr - 2 / 35.01) < 1e-12:
        return "constant"
    if lr > 2 / 35.01:
        return "diverges"
    return "smooth" if lr < 1 / 35.01 else "zigzag"
''', "which have the same r"),
    WrongAnswer("max-lr-trace", "max_stable_lr", '''
def max_stable_lr(X):
    return 2.0 / np.sum(np.asarray(X, dtype=float) ** 2)
''', "the sum of all ||x_p||^2"),
    WrongAnswer("max-lr-power-iteration", "max_stable_lr", '''
def max_stable_lr(X):
    X = np.asarray(X, dtype=float)
    A = X.T @ X
    v = np.ones(A.shape[0])
    for _ in range(5):  # a few steps of power iteration: close, not exact
        v = A @ v
        v = v / np.linalg.norm(v)
    return 2.0 / (v @ A @ v)
''', BY_HAND),
    WrongAnswer("delta-batch-half-step", "delta_batch", '''
def delta_batch(w, Q, t, lr):
    return w + lr / 2 * Q.T @ (t - Q @ w)
''', "this is half the step"),
    WrongAnswer("delta-batch-by-sgd", "delta_batch", '''
def delta_batch(w, Q, t, lr):
    W = Tensor(np.array(w, dtype=float)[:, None])
    fit(lambda X: X @ W, half_sse, SGD([W], lr=lr),
        MiniBatches(Q, np.asarray(t)[:, None], batch_size=len(Q), shuffle=False), progress=False)
    return W.data[:, 0]
''', "is switched off while this exercise is graded: write the batch delta rule itself"),
    WrongAnswer("delta-incremental-once", "delta_incremental", '''
def delta_incremental(w, Q, t, lr):
    return w + lr * Q.T @ (t - Q @ w)
''', "this is the batch rule"),
    WrongAnswer("delta-incremental-reversed", "delta_incremental", '''
def delta_incremental(w, Q, t, lr):
    w = np.array(w, dtype=float)
    for q, target in zip(Q[::-1], t[::-1]):
        w = w + lr * (target - q @ w) * q
    return w
''', "from the last row up"),
    WrongAnswer("hebb-once", "hebb_epoch", '''
def hebb_epoch(w, Q, lr):
    return w + lr * Q.T @ (Q @ w)
''', "every y was computed with the starting w"),
    WrongAnswer("sgd-epoch-drops-last", "sgd_epoch", '''
def sgd_epoch(w, Q, t, lr, batch_size, order, average=True):
    w = np.array(w, dtype=float)
    for start in range(0, len(order) - batch_size + 1, batch_size):
        batch = order[start:start + batch_size]
        g = Q[batch].T @ (Q[batch] @ w - t[batch])
        w = w - lr * (g / len(batch) if average else g)
    return w
''', "the last, shorter batch is missing"),
    WrongAnswer("sgd-epoch-divides-by-m", "sgd_epoch", '''
def sgd_epoch(w, Q, t, lr, batch_size, order, average=True):
    w = np.array(w, dtype=float)
    for start in range(0, len(order), batch_size):
        batch = order[start:start + batch_size]
        g = Q[batch].T @ (Q[batch] @ w - t[batch])
        w = w - lr * (g / batch_size if average else g)
    return w
''', "divided by batch_size"),
    WrongAnswer("saddle-noise-on-x", "noisy_saddle", '''
def noisy_saddle(x0, lr, noise):
    path = [np.array(x0, dtype=float)]
    for n in noise:
        x = path[-1]
        path.append(x - lr * np.array([2 * x[0], -2 * x[1]]) - n)
    return np.array(path)
''', "the noise was added to x"),
]
RIGHT["05_sgd"] = [
    RightAnswer("predict-by-cases-on-r", "predict_outcome", '''
def predict_outcome(x, lr):
    r = 1 - lr * float(np.sum(np.square(x)))
    for word, value in (("one step", 0.0), ("constant", 1.0), ("constant", -1.0)):
        if np.isclose(r, value, rtol=0, atol=1e-9):
            return word
    if r < -1 or r > 1:
        return "diverges"
    return "smooth" if r > 0 else "zigzag"
'''),
    RightAnswer("max-lr-svd", "max_stable_lr", '''
def max_stable_lr(X):
    return 2 / np.linalg.norm(np.asarray(X, dtype=float), 2) ** 2
'''),
    RightAnswer("delta-batch-loop", "delta_batch", '''
def delta_batch(w, Q, t, lr):
    update = np.zeros(len(w))
    for q, target in zip(Q, t):
        update += lr * (target - w @ q) * q
    return w + update
'''),
    RightAnswer("delta-incremental-index", "delta_incremental", '''
def delta_incremental(w, Q, t, lr):
    w = np.asarray(w, dtype=float).copy()
    for p in range(len(Q)):
        w += lr * (t[p] - Q[p] @ w) * Q[p]
    return w
'''),
    RightAnswer("hebb-index", "hebb_epoch", '''
def hebb_epoch(w, Q, lr):
    w = np.asarray(w, dtype=float).copy()
    for p in range(len(Q)):
        y = np.dot(w, Q[p])
        w += lr * y * Q[p]
    return w
'''),
    RightAnswer("sgd-epoch-split", "sgd_epoch", '''
def sgd_epoch(w, Q, t, lr, batch_size, order, average=True):
    w = np.array(w, dtype=float)
    n_batches = -(-len(order) // batch_size)
    for batch in np.array_split(np.asarray(order), [batch_size * k for k in range(1, n_batches)]):
        error = Q[batch] @ w - t[batch]
        g = error @ Q[batch]
        if average:
            g /= len(batch)
        w -= lr * g
    return w
'''),
    RightAnswer("saddle-preallocated", "noisy_saddle", '''
def noisy_saddle(x0, lr, noise):
    path = np.zeros((len(noise) + 1, 2))
    path[0] = x0
    for k, n in enumerate(noise):
        x1, x2 = path[k]
        path[k + 1] = (x1 - lr * (2 * x1 + n[0]), x2 - lr * (-2 * x2 + n[1]))
    return path
'''),
]

WRONG["06_cross_entropy"] = [
    WrongAnswer("quadratic-without-sigma-prime", "quadratic_grads", '''
def quadratic_grads(w, b, x, y):
    delta = nn.sigmoid(w * x + b) - y
    return np.array([np.mean(delta * x), np.mean(delta)])
''', "sigma'(z) is missing"),
    WrongAnswer("quadratic-by-differences", "quadratic_grads", '''
def quadratic_grads(w, b, x, y):
    C = lambda w, b: np.mean((nn.sigmoid(w * x + b) - y) ** 2) / 2
    h = 1e-5
    return np.array([(C(w + h, b) - C(w - h, b)) / (2 * h), (C(w, b + h) - C(w, b - h)) / (2 * h)])
''', BY_HAND),
    WrongAnswer("cross-entropy-with-sigma-prime", "cross_entropy_grads", '''
def cross_entropy_grads(w, b, x, y):
    z = w * x + b
    delta = (nn.sigmoid(z) - y) * nn.sigmoid_grad(z)
    return np.array([np.mean(delta * x), np.mean(delta)])
''', "this still has the factor sigma'(z)"),
    WrongAnswer("cross-entropy-by-tensor", "cross_entropy_grads", '''
def cross_entropy_grads(w, b, x, y):
    W, B = Tensor(np.array([[float(w)]])), Tensor(np.array([float(b)]))
    loss = nn.binary_cross_entropy(Tensor(np.asarray(x, dtype=float)[:, None]) @ W + B,
                                   np.asarray(y, dtype=float)[:, None])
    loss.backward()
    return np.array([W.grad[0, 0], B.grad[0]])
''', "course_lib's Tensor is switched off"),
    WrongAnswer("ratio-from-the-exercises", "step_ratio", '''
def step_ratio(w, b, x, y):
    x, y = np.array([x]), np.array([y])
    return cross_entropy_grads(w, b, x, y)[0] / quadratic_grads(w, b, x, y)[0]
''', "is switched off while this exercise is graded: predict the ratio"),
    WrongAnswer("ratio-inverted", "step_ratio", '''
def step_ratio(w, b, x, y):
    return nn.sigmoid_grad(w * x + b)
''', "turn the ratio over"),
    WrongAnswer("log-sum-exp-naive", "log_sum_exp", '''
def log_sum_exp(z):
    return np.log(np.sum(np.exp(z), axis=-1))
''', "issued a warning"),
    WrongAnswer("log-sum-exp-scipy", "log_sum_exp", '''
from scipy.special import logsumexp


def log_sum_exp(z):
    return logsumexp(z, axis=-1)
''', "scipy.special"),
    WrongAnswer("softmax-ce-sign", "softmax_cross_entropy", '''
def softmax_cross_entropy(z, t):
    m = z.max(axis=1, keepdims=True)
    log_s = z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))
    return -np.sum(t * log_s) / len(z), (t - np.exp(log_s)) / len(z)
''', "the gradient has the wrong sign"),
    WrongAnswer("softmax-ce-naive", "softmax_cross_entropy", '''
def softmax_cross_entropy(z, t):
    s = np.exp(z) / np.sum(np.exp(z), axis=1, keepdims=True)
    return -np.sum(t * np.log(s)) / len(z), (s - t) / len(z)
''', "issued a warning"),
    WrongAnswer("bce-naive", "bce_from_logits", '''
def bce_from_logits(z, y):
    a = 1 / (1 + np.exp(-z))
    return np.mean(-(y * np.log(a) + (1 - y) * np.log(1 - a)))
''', "issued a warning"),
    WrongAnswer("bce-summed", "bce_from_logits", '''
def bce_from_logits(z, y):
    return np.sum(np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z))) - y * z)
''', "return their mean"),
]
RIGHT["06_cross_entropy"] = [
    RightAnswer("quadratic-written-out", "quadratic_grads", '''
def quadratic_grads(w, b, x, y):
    a = nn.sigmoid(w * np.asarray(x, dtype=float) + b)
    delta = (a - y) * a * (1 - a)
    return np.array([delta @ x, delta.sum()]) / len(x)
'''),
    RightAnswer("cross-entropy-dot", "cross_entropy_grads", '''
def cross_entropy_grads(w, b, x, y):
    err = nn.sigmoid(w * np.asarray(x, dtype=float) + b) - np.asarray(y, dtype=float)
    return np.array([np.dot(err, x), np.sum(err)]) / len(err)
'''),
    RightAnswer("ratio-from-a", "step_ratio", '''
def step_ratio(w, b, x, y):
    a = nn.sigmoid(w * x + b)
    return 1 / (a * (1 - a))
'''),
    RightAnswer("log-sum-exp-logaddexp", "log_sum_exp", '''
def log_sum_exp(z):
    return np.logaddexp.reduce(np.asarray(z, dtype=float), axis=-1)
'''),
    RightAnswer("softmax-ce-own-softmax", "softmax_cross_entropy", '''
def softmax_cross_entropy(z, t):
    shifted = z - z.max(axis=1, keepdims=True)
    log_s = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = z.shape[0]
    return float(-(t * log_s).sum() / n), (np.exp(log_s) - t) / n
'''),
    RightAnswer("bce-logaddexp", "bce_from_logits", '''
def bce_from_logits(z, y):
    return float(np.mean(np.logaddexp(0.0, z) - y * z))
'''),
]


# -- 07_keras_comparison: Keras must do the work, with the course's settings ----------------
WRONG["07_keras_comparison"] = [
    # exercise 1, keras_mlp
    WrongAnswer("mlp-activation-on-every-layer", "keras_mlp", '''
def keras_mlp(sizes, activation=None):
    layers = [keras.Input((sizes[0],))]
    layers += [keras.layers.Dense(units, activation=activation) for units in sizes[1:]]
    return keras.Sequential(layers)
''', "the last layer applies the activation too"),
    WrongAnswer("mlp-course-lib", "keras_mlp", '''
from course_lib.frameworks import dense_network


def keras_mlp(sizes, activation=None):
    return dense_network(sizes, activation=activation)
''', "course_lib's dense_network is switched off"),
    WrongAnswer("mlp-without-input", "keras_mlp", '''
def keras_mlp(sizes, activation=None):
    layers = [keras.layers.Dense(units, activation=activation) for units in sizes[1:-1]]
    return keras.Sequential(layers + [keras.layers.Dense(sizes[-1])])
''', "has no weights yet"),
    # exercise 2, keras_gradients
    WrongAnswer("grads-course-lib", "keras_gradients", '''
from course_lib.frameworks import loss_and_gradients


def keras_gradients(model, loss, x, t):
    value, _, grads = loss_and_gradients(model, loss, x, t)
    return value, grads
''', "course_lib's loss_and_gradients is switched off"),
    # right on the IBM example (one linear layer and mse), nowhere else
    WrongAnswer("grads-one-layer-formula", "keras_gradients", '''
def keras_gradients(model, loss, x, t):
    o = np.asarray(model(x))
    g = 2 * (o - t) / o.size
    return float(loss(t, o)), [x.T @ g, g.sum(axis=0)]
''', "on a hidden test", ("Traceback",)),
    WrongAnswer("grads-finite-differences", "keras_gradients", '''
def keras_gradients(model, loss, x, t):
    weights = [np.array(v.value) for v in model.trainable_variables]

    def value(ws):
        return float(loss(t, model.stateless_call(ws, [], x)[0]))

    grads, h = [], 1e-5
    for k, w in enumerate(weights):
        g = np.zeros_like(w)
        for i in np.ndindex(w.shape):
            up, down = [v.copy() for v in weights], [v.copy() for v in weights]
            up[k][i] += h
            down[k][i] -= h
            g[i] = (value(up) - value(down)) / (2 * h)
        grads.append(g)
    return value(weights), grads
''', "close but not exact"),
    # exercise 3, train_keras: each default that differs from the course's settings
    WrongAnswer("keras-default-learning-rate", "train_keras", '''
def train_keras(model, X, T, lr, epochs, batch_size):
    model.compile(optimizer=keras.optimizers.SGD(),
                  loss=keras.losses.CategoricalCrossentropy(from_logits=True))
    return model.fit(X, T, batch_size=batch_size, epochs=epochs, shuffle=False, verbose=0)
''', "0.01 is its default"),
    WrongAnswer("keras-logits-as-probabilities", "train_keras", '''
def train_keras(model, X, T, lr, epochs, batch_size):
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr),
                  loss="categorical_crossentropy")
    return model.fit(X, T, batch_size=batch_size, epochs=epochs, shuffle=False, verbose=0)
''', "from_logits=True", ("learning rate",)),
    WrongAnswer("keras-shuffled", "train_keras", '''
def train_keras(model, X, T, lr, epochs, batch_size):
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr),
                  loss=keras.losses.CategoricalCrossentropy(from_logits=True))
    return model.fit(X, T, batch_size=batch_size, epochs=epochs, verbose=0)
''', "did fit shuffle?", ("from_logits=True",)),
    # the numbers copied from the course's engine into the Keras model
    WrongAnswer("keras-copies-the-course", "train_keras", '''
from course_lib.frameworks import from_keras, load_weights
from course_lib.nn import SGD, MiniBatches, TensorMLP, cross_entropy, fit


def train_keras(model, X, T, lr, epochs, batch_size):
    net = load_weights(TensorMLP([2, 16, 3]), from_keras(model))
    course = fit(net, cross_entropy, SGD(net.parameters(), lr=lr),
                 MiniBatches(X, T, batch_size, shuffle=False), epochs=epochs)
    model.set_weights([w for layer in net.layers for w in (layer.W.data, layer.b.data)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr), loss="mse")
    history = keras.callbacks.History()
    history.history = {"loss": course.epoch_loss}
    return history
''', "is switched off while this exercise is graded"),
    # exercise 4, probabilities_loss
    WrongAnswer("probs-softmax", "probabilities_loss", '''
def probabilities_loss(z, t):
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    return float(np.mean(-np.sum(t * np.log(p), axis=1)))
''', "what from_logits=True computes"),
    WrongAnswer("probs-keras", "probabilities_loss", '''
def probabilities_loss(z, t):
    return float(keras.losses.CategoricalCrossentropy()(t, z))
''', "is switched off while this exercise is graded"),
    WrongAnswer("probs-clipped-first", "probabilities_loss", '''
def probabilities_loss(z, t):
    p = np.clip(z, 1e-7, 1 - 1e-7)
    p = p / p.sum(axis=1, keepdims=True)
    return float(np.mean(-np.sum(t * np.log(p), axis=1)))
''', "Keras divides first, then clips"),
    # exercise 5, run_jaxpr
    WrongAnswer("jaxpr-eval-jaxpr", "run_jaxpr", '''
def run_jaxpr(closed, *args):
    return jax.core.eval_jaxpr(closed.jaxpr, closed.consts, *args)
''', "eval_jaxpr is switched off"),
    WrongAnswer("jaxpr-without-literals", "run_jaxpr", '''
def run_jaxpr(closed, *args):
    values = dict(zip(closed.jaxpr.constvars, closed.consts))
    values.update(zip(closed.jaxpr.invars, args))
    for eqn in closed.jaxpr.eqns:
        out = eqn.primitive.bind(*[values[v] for v in eqn.invars], **eqn.params)
        values.update(zip(eqn.outvars, out if eqn.primitive.multiple_results else [out]))
    return [values[v] for v in closed.jaxpr.outvars]
''', "raised"),
    WrongAnswer("jaxpr-without-consts", "run_jaxpr", '''
from jax.extend.core import Literal


def run_jaxpr(closed, *args):
    values = dict(zip(closed.jaxpr.invars, args))
    read = lambda v: v.val if isinstance(v, Literal) else values[v]
    for eqn in closed.jaxpr.eqns:
        out = eqn.primitive.bind(*map(read, eqn.invars), **eqn.params)
        values.update(zip(eqn.outvars, out if eqn.primitive.multiple_results else [out]))
    return [read(v) for v in closed.jaxpr.outvars]
''', "on a hidden test"),
    # exercise 6, sgd_step
    WrongAnswer("step-not-jitted", "sgd_step", '''
def sgd_step(model, loss, lr):
    def step(weights, x, t):
        def loss_of(weights):
            return loss(t, model.stateless_call(weights, [], x)[0])
        value, grads = jax.value_and_grad(loss_of)(weights)
        return [w - lr * g for w, g in zip(weights, grads)], value
    return step
''', "the step is not compiled"),
    WrongAnswer("step-loss-after-the-update", "sgd_step", '''
def sgd_step(model, loss, lr):
    def loss_of(weights, x, t):
        return loss(t, model.stateless_call(weights, [], x)[0])

    @jax.jit
    def step(weights, x, t):
        grads = jax.grad(loss_of)(weights, x, t)
        new = [w - lr * g for w, g in zip(weights, grads)]
        return new, loss_of(new, x, t)
    return step
''', "one step late"),
    WrongAnswer("step-ascends", "sgd_step", '''
def sgd_step(model, loss, lr):
    def loss_of(weights, x, t):
        return loss(t, model.stateless_call(weights, [], x)[0])

    @jax.jit
    def step(weights, x, t):
        value, grads = jax.value_and_grad(loss_of)(weights, x, t)
        return [w + lr * g for w, g in zip(weights, grads)], value
    return step
''', "is not right"),
]

RIGHT["07_keras_comparison"] = [
    RightAnswer("mlp-added-layer-by-layer", "keras_mlp", '''
def keras_mlp(sizes, activation=None):
    model = keras.Sequential()
    model.add(keras.Input(shape=(sizes[0],)))
    for units in sizes[1:-1]:
        model.add(keras.layers.Dense(units, activation=activation))
    model.add(keras.layers.Dense(sizes[-1], activation="linear"))
    return model
'''),
    RightAnswer("grads-grad-then-loss", "keras_gradients", '''
def keras_gradients(model, loss, x, t):
    weights = [v.value for v in model.trainable_variables]
    outputs = lambda ws: model.stateless_call(ws, [], x)[0]
    grads = jax.grad(lambda ws: loss(t, outputs(ws)))(weights)
    return np.asarray(loss(t, outputs(weights))), tuple(grads)
'''),
    RightAnswer("keras-keyword-arguments", "train_keras", '''
def train_keras(model, X, T, lr, epochs, batch_size):
    loss = keras.losses.CategoricalCrossentropy(from_logits=True, reduction="sum_over_batch_size")
    model.compile(optimizer=keras.optimizers.SGD(lr), loss=loss, metrics=[])
    history = model.fit(x=X, y=T, batch_size=batch_size, epochs=epochs, verbose=0, shuffle=False)
    return history
'''),
    RightAnswer("probs-row-by-row", "probabilities_loss", '''
def probabilities_loss(z, t):
    eps = keras.config.epsilon()
    losses = []
    for row, target in zip(z, t):
        p = np.minimum(np.maximum(row / np.sum(row), eps), 1 - eps)
        losses.append(-np.dot(target, np.log(p)))
    return np.mean(losses)
'''),
    RightAnswer("jaxpr-bind-params", "run_jaxpr", '''
import jax.extend as jex


def run_jaxpr(closed, *args):
    env = {}

    def read(v):
        return v.val if isinstance(v, jex.core.Literal) else env[v]

    for var, value in [*zip(closed.jaxpr.constvars, closed.consts),
                       *zip(closed.jaxpr.invars, args)]:
        env[var] = value
    for eqn in closed.jaxpr.eqns:
        params = eqn.primitive.get_bind_params(eqn.params)  # as jax.core.eval_jaxpr does
        out = eqn.primitive.bind(*[read(v) for v in eqn.invars], **params)
        if not eqn.primitive.multiple_results:
            out = (out,)
        for var, value in zip(eqn.outvars, out):
            env[var] = value
    return tuple(read(v) for v in closed.jaxpr.outvars)
'''),
    RightAnswer("step-tree-map-has-aux", "sgd_step", '''
from functools import partial


def sgd_step(model, loss, lr):
    fixed = [v.value for v in model.non_trainable_variables]

    def loss_and_outputs(weights, x, t):
        outputs, _ = model.stateless_call(weights, fixed, x)
        return loss(t, outputs), outputs

    @partial(jax.jit)
    def step(weights, x, t):
        (value, _), grads = jax.value_and_grad(loss_and_outputs, has_aux=True)(weights, x, t)
        return jax.tree_util.tree_map(lambda w, g: w - lr * g, weights, grads), value

    return step
'''),
]
