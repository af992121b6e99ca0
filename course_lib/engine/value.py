"""A scalar autodiff engine: ``Value`` records how it was computed.

Each operation builds its output and records, right there, its *local
derivatives*: d(out)/d(input) for each of its (at most two) inputs, as plain
numbers.  The backward pass is then the chain rule and nothing else: walking
the graph from the output back, every node adds ``local * out.grad`` to each
input's gradient, with ``+=`` (never ``=``: in ``a + a`` both paths count).

Why numbers in slots rather than micrograd's closure per node: a closure that
captures its own output node makes a reference cycle per node, and a tuple of
inputs per node doubles the objects Python's cyclic garbage collector must
scan again and again while a graph grows.  Here a node is one object with no
cycles; Python frees a graph the moment it is no longer used
(benchmarks/bench_engine.py measures the difference).

Subtraction, negation and division are written with +, * and **, so only the
basic operations need a derivative of their own.
"""

import math

from course_lib.engine.graph import topological_order

__all__ = ["Value"]


class Value:
    """A number in a computational graph.

    data: the value (float).  grad: d(root)/d(this) after ``root.backward()``.
    parents: the input Values, in argument order (0, 1 or 2 of them).
    local: d(this)/d(parent), one number per parent.
    op: the operation that made it ('' for an input).  label: a name for drawings.
    """

    __slots__ = ("data", "grad", "op", "label", "_a", "_b", "_da", "_db")

    def __init__(self, data, label=""):
        self.data = float(data)
        self.grad = 0.0
        self.op = ""
        self.label = label
        self._a = self._b = None  # the inputs (None where there is none)
        self._da = self._db = 0.0  # d(this)/d(a), d(this)/d(b)

    @property
    def parents(self):
        if self._a is None:
            return ()
        return (self._a,) if self._b is None else (self._a, self._b)

    @property
    def local(self):
        return (self._da, self._db)[:len(self.parents)]

    def __repr__(self):
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"

    # -- basic operations: value and local derivatives ----------------------------
    def __add__(self, other):
        if type(other) is not Value:
            other = Value(other)
        return _made(self.data + other.data, self, other, 1.0, 1.0, "+")

    def __mul__(self, other):
        if type(other) is not Value:
            other = Value(other)
        return _made(self.data * other.data, self, other, other.data, self.data, "*")

    def __pow__(self, exponent):
        if isinstance(exponent, Value):
            raise TypeError("Value ** Value is not supported: the exponent must be a number")
        x = self.data
        if x < 0 and exponent != int(exponent):
            raise ValueError(f"cannot raise the negative number {x:g} to the power {exponent:g}")
        return _made(x ** exponent, self, None, exponent * x ** (exponent - 1), 0.0,
                     f"**{exponent:g}")

    def exp(self):
        e = math.exp(self.data)
        return _made(e, self, None, e, 0.0, "exp")

    def log(self):
        return _made(math.log(self.data), self, None, 1.0 / self.data, 0.0, "log")

    def tanh(self):
        t = math.tanh(self.data)
        return _made(t, self, None, 1.0 - t * t, 0.0, "tanh")

    def relu(self):
        if self.data > 0:
            return _made(self.data, self, None, 1.0, 0.0, "relu")
        return _made(0.0, self, None, 0.0, 0.0, "relu")

    def sigmoid(self):
        x = self.data
        # two equal formulas; each exponentiates only a number <= 0
        s = 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))
        return _made(s, self, None, s * (1.0 - s), 0.0, "sigmoid")

    # -- derived operations -------------------------------------------------------
    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-other)

    def __truediv__(self, other):
        if type(other) is not Value:
            other = Value(other)
        return self * other ** -1

    def __radd__(self, other):  # number + Value
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return Value(other) + (-self)

    def __rtruediv__(self, other):
        return Value(other) * self ** -1

    # -- reverse mode ---------------------------------------------------------------
    def backward(self):
        """Fill in ``grad`` of every node this one depends on: d(self)/d(node).

        As in PyTorch, the inputs of the graph (the nodes no operation made,
        such as parameters) accumulate: a second call adds to their ``grad``,
        so reset them between training steps (``zero_grad``).  Every node an
        operation made starts again from 0 in each call.
        """
        order = _inputs_first(self)  # also sets the grad of every made node to 0
        self.grad = 1.0
        for node in reversed(order):
            # chain rule: d(root)/d(input) += d(node)/d(input) * d(root)/d(node);
            # += because an input reached along several paths sums them all.
            if node._a is not None:
                node._a.grad += node._da * node.grad
                if node._b is not None:
                    node._b.grad += node._db * node.grad

    def zero_grad(self):
        """Set ``grad`` to 0 on this node and everything it depends on."""
        for node in topological_order(self):
            node.grad = 0.0


def _made(data, a, b, da, db, op):
    """The output of an operation: data (a float), inputs a and b (b may be None),
    local derivatives da = d(out)/d(a) and db = d(out)/d(b), and the op's name.

    Same fields as ``Value(...)``, set directly: creating nodes is most of a
    forward pass, and this skips the constructor's checks (about 15% faster).
    """
    node = _new_object(Value)
    node.data, node.grad, node.op, node.label = data, 0.0, op, ""
    node._a, node._b, node._da, node._db = a, b, da, db
    return node


_new_object = object.__new__


def _inputs_first(root):
    """``topological_order(root)`` for Values, read straight from the input slots;
    on the way, the grad of every node that has inputs is reset to 0.

    The same depth-first walk as course_lib.engine.graph, written for at most
    two inputs so that it allocates nothing per node: on a graph of 68,000
    nodes it took about two thirds of the time of the general version, which
    builds a ``parents`` tuple for every visit.  Look at the top of the stack:
    an input not finished yet goes on top; a node whose inputs are all
    finished is placed.
    """
    order, done, stack = [], set(), [root]
    while stack:
        node = stack[-1]
        a = node._a
        if a is not None and a not in done:
            stack.append(a)
            continue
        b = node._b
        if b is not None and b not in done:
            stack.append(b)
            continue
        stack.pop()
        if node not in done:  # a node can be on the stack twice; place it once
            done.add(node)
            order.append(node)
            if a is not None:
                node.grad = 0.0
    return order
