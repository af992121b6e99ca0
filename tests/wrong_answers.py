"""Realistic wrong submissions, per assignment: each must lose points and say why.

WrongAnswer(student, exercise, code, hint, absent): the exercise's solution cell
(grade_id ``exercise``) replaced by ``code``; its test cell must lose points,
show ``hint`` to the student, show none of ``absent`` (advice that would
mislead), and leave every other test cell at full marks.
"""

from typing import NamedTuple


class WrongAnswer(NamedTuple):
    student: str
    exercise: str
    code: str
    hint: str
    absent: tuple = ()


WRONG = {
    "01_gradients": [
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
''', "copy x as floats"),
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
        WrongAnswer("transposed-jacobian", "jacobian_g", '''
def jacobian_g(x):
    x1, x2 = x
    return np.array([[2 * x1 * x2, 5.0, x2],
                     [x1 ** 2, np.cos(x2), x1]])
''', "transposed"),
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
        WrongAnswer("diagonal-jacobian", "softmax_jacobian", '''
def softmax_jacobian(z):
    s = softmax(z)
    return np.diag(s * (1 - s))
''', "softmax is not elementwise"),
        WrongAnswer("uphill-step", "gd_step", '''
def gd_step(x, lr):
    return x + lr * np.array([2 * x[0], -2 * x[1]])
''', "opposite direction"),
    ],
    "02_computational_graphs": [
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
''', "raised RecursionError"),
        WrongAnswer("float-neuron", "neuron", '''
def neuron(x, w, b):
    z = sum(xi.data * wi.data for xi, wi in zip(x, w)) + b.data
    return Value(z).sigmoid()
''', "compute with Value operations"),
        WrongAnswer("slides-forward", "forward", '''
def forward(X, layers):
    a = X
    for W, b, activation in layers:
        a = a @ W + b
    return a
''', "the slides' bug"),
        WrongAnswer("no-biases", "count_parameters", '''
def count_parameters(sizes):
    return sum(n_in * n_out for n_in, n_out in zip(sizes, sizes[1:]))
''', "biases are missing"),
    ],
    "03_chain_rule": [
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
        WrongAnswer("one-path", "grad_e", '''
def grad_e(a, b):
    return np.array([b + 1, b + 1])
''', "has two paths"),
        WrongAnswer("sigmoid-of-output", "unary_rules", '''
from course_lib import nn


def relu_backward(dout, x):
    return (dout * (x > 0),)


def sigmoid_backward(dout, x):
    return (dout * x * (1 - x),)
''', "x is the input"),
        WrongAnswer("swapped-factors", "binary_rules", '''
def add_backward(dout, x, y):
    return dout, dout


def mul_backward(dout, x, y):
    return dout * x, dout * y
''', "the factors are swapped"),
        WrongAnswer("stored-but-recomputing", "chain_stored", '''
def chain_stored(f, df, w, n):
    derivative = 1.0
    for k in range(n):
        x = w
        for _ in range(k):
            x = f(x)
        derivative *= df(x)
    return derivative
''', "needs only"),
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
