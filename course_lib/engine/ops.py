"""The operations of ``Tensor``: each one's forward and its ``bprop`` side by side.

An operation is a small class.  ``forward(*xs)`` computes the output from
input arrays.  ``bprop(inputs, out, dout, i)`` is the Deep Learning book's
``op.bprop`` (section 6.5): given the gradient ``dout`` of the final result
with respect to this op's output ``out``, it returns the gradient with respect
to input number ``i``, the vector-Jacobian product dout^T (d out / d x_i).

Every bprop is written with operations that NumPy arrays and Tensors share
(``+ - * / @``, ``.T``, ``.reshape``, ``.sum``, and the three helpers below),
so the same code serves both kinds of backward pass:

    symbol-to-number  inputs, out, dout are ndarrays: bprop returns an ndarray
                      (``Tensor.backward`` works this way, and fast);
    symbol-to-symbol  inputs, out, dout are Tensors: bprop returns a Tensor, a
                      node of a new graph that can be differentiated again
                      (``course_lib.engine.grad`` works this way).

Where an input was broadcast, its bprop may return a gradient of ``out``'s
shape: the backward pass sums it back to the input's shape with the one
helper ``unbroadcast``, only where the shapes differ.
An op that needs a parameter (an exponent, an axis) is an instance made per
call; the others are single shared instances, at the end of this file.
"""

import numpy as np

from course_lib import numerics

__all__ = ["Op", "unbroadcast"]


class Op:
    """An operation: ``forward`` on arrays, ``bprop`` on arrays or Tensors."""

    name = "?"

    def __str__(self):
        return self.name

    __repr__ = __str__


# -- helpers for bprops: each works on ndarrays (backward) and on Tensors (grad) ------------

_ARRAYS = (np.ndarray, np.generic)


def _exp(x):
    return np.exp(x) if isinstance(x, _ARRAYS) else x.exp()


def _broadcast_to(x, shape):
    """x copied along axes to ``shape``.  For arrays a real, writable array:
    np.zeros + x costs a third of np.broadcast_to on small arrays."""
    return np.zeros(shape, x.dtype) + x if isinstance(x, _ARRAYS) else x.broadcast_to(shape)


def _step(out):
    """1 where out > 0, else 0, for an output out >= 0 (of relu): a constant of out's dtype.

    For arrays this is np.sign(out): with a float mask the product dout * mask
    costs half of what it costs with a bool mask (out > 0).
    """
    if isinstance(out, _ARRAYS):
        return np.sign(out)
    return type(out)(np.sign(out.data), requires_grad=False)


def unbroadcast(g, shape):
    """Sum the gradient ``g`` of a broadcast result back to an input's ``shape``.

    g: the shape NumPy broadcast ``shape`` to, e.g. (N, M) for shape (M,) or (1, M).
    Returns ``shape``.  Broadcasting copies an input along new leading axes and
    along its axes of length 1; each copy passes a gradient back, so the
    input's gradient is the sum over those axes.
    """
    lead = g.ndim - len(shape)
    if lead:
        g = g.sum(axis=tuple(range(lead)))
    if g.shape != shape:
        g = g.sum(axis=tuple(k for k, n in enumerate(shape) if n == 1), keepdims=True)
    return g


# -- arithmetic --------------------------------------------------------------------------

class Add(Op):
    """out = x + y, broadcasting.  Both inputs receive dout (add distributes)."""

    name = "+"

    def forward(self, x, y):
        return x + y

    def bprop(self, inputs, out, dout, i):
        return dout


class Sub(Op):
    """out = x - y, broadcasting.  dx = dout, dy = -dout."""

    name = "-"

    def forward(self, x, y):
        return x - y

    def bprop(self, inputs, out, dout, i):
        return dout if i == 0 else -dout


class Mul(Op):
    """out = x * y, broadcasting.  Each input receives dout times the other (multiply swaps)."""

    name = "*"

    def forward(self, x, y):
        return x * y

    def bprop(self, inputs, out, dout, i):
        x, y = inputs
        return dout * y if i == 0 else dout * x


class Div(Op):
    """out = x / y, broadcasting.  dx = dout / y, dy = -dout x / y^2 = -dout out / y."""

    name = "/"

    def forward(self, x, y):
        return x / y

    def bprop(self, inputs, out, dout, i):
        y = inputs[1]
        return dout / y if i == 0 else -dout * out / y


class Neg(Op):
    """out = -x.  dx = -dout."""

    name = "neg"

    def forward(self, x):
        return -x

    def bprop(self, inputs, out, dout, i):
        return -dout


class Pow(Op):
    """out = x ** p for a number p.  dx = dout p x^(p-1)."""

    def __init__(self, p):
        self.p = p
        self.name = f"**{p:g}"

    def forward(self, x):
        return x ** self.p

    def bprop(self, inputs, out, dout, i):
        x, p = inputs[0], self.p
        if p == 2:  # the square of every squared error: one multiplication less
            return dout * (2 * x)
        return dout * (p * x ** (p - 1))


class MatMul(Op):
    """out = x @ w.  x: (N, D), w: (D, M) -> out: (N, M).

    dx = dout @ w^T: (N, M) (M, D) -> (N, D);  dw = x^T @ dout: (D, N) (N, M) -> (D, M).
    The shapes allow no other product: matmul backward by dimension analysis.
    """

    name = "@"

    def forward(self, x, w):
        return x @ w

    def bprop(self, inputs, out, dout, i):
        x, w = inputs
        return dout @ w.T if i == 0 else x.T @ dout


# -- elementwise functions: their derivative from the output where that is cheaper ---------

class Exp(Op):
    """out = e^x.  dx = dout out."""

    name = "exp"

    def forward(self, x):
        return np.exp(x)

    def bprop(self, inputs, out, dout, i):
        return dout * out


class Log(Op):
    """out = ln x.  dx = dout / x."""

    name = "log"

    def forward(self, x):
        return np.log(x)

    def bprop(self, inputs, out, dout, i):
        return dout / inputs[0]


class Tanh(Op):
    """out = tanh x.  dx = dout (1 - out^2)."""

    name = "tanh"

    def forward(self, x):
        return np.tanh(x)

    def bprop(self, inputs, out, dout, i):
        return dout * (1 - out * out)


class Sigmoid(Op):
    """out = 1 / (1 + e^-x), stable for any x.  dx = dout out (1 - out)."""

    name = "sigmoid"

    def forward(self, x):
        return numerics.sigmoid(x)

    def bprop(self, inputs, out, dout, i):
        return dout * (out * (1 - out))


class Relu(Op):
    """out = max(0, x).  dout passes where x > 0 (max routes), else 0; 0 at the kink."""

    name = "relu"

    def forward(self, x):
        return np.maximum(x, 0)

    def bprop(self, inputs, out, dout, i):
        return dout * _step(out)  # out > 0 exactly where x > 0


# -- shapes and reductions -----------------------------------------------------------------

def _kept_shape(shape, axis):
    """``shape`` with the reduced axes kept as length 1 (what keepdims=True gives)."""
    axes = {a % len(shape) for a in (axis if isinstance(axis, tuple) else (axis,))}
    return tuple(1 if k in axes else n for k, n in enumerate(shape))


class Sum(Op):
    """out = x.sum(axis).  x: (..., K, ...) -> out without the summed axes.

    Every input entry adds to its sum once: dx is dout copied back along the
    summed axes (kept as length 1 first, so that it broadcasts).
    """

    def __init__(self, axis=None, keepdims=False):
        self.axis, self.keepdims = axis, keepdims
        self.name = "sum" if axis is None else f"sum({axis})"

    def forward(self, x):
        return x.sum(axis=self.axis, keepdims=self.keepdims)

    def bprop(self, inputs, out, dout, i):
        shape = inputs[0].shape
        if not self.keepdims and self.axis is not None:
            dout = dout.reshape(_kept_shape(shape, self.axis))
        return _broadcast_to(dout, shape)


class Mean(Sum):
    """out = x.mean(axis).  dx is dout / n copied back, n the number of entries averaged."""

    def __init__(self, axis=None, keepdims=False):
        super().__init__(axis, keepdims)
        self.name = "mean" if axis is None else f"mean({axis})"

    def forward(self, x):  # sum / n: NumPy's own mean costs four times a sum on small arrays
        s = x.sum(axis=self.axis, keepdims=self.keepdims)
        return s / (x.size // max(s.size, 1))

    def bprop(self, inputs, out, dout, i):
        n = inputs[0].size // max(out.size, 1)
        return super().bprop(inputs, out, dout / n, i)


class Reshape(Op):
    """out = x.reshape(shape).  dx = dout.reshape(x.shape)."""

    def __init__(self, shape):
        self.shape = shape
        self.name = f"reshape{shape}"

    def forward(self, x):
        return x.reshape(self.shape)

    def bprop(self, inputs, out, dout, i):
        return dout.reshape(inputs[0].shape)


class Transpose(Op):
    """out = x.T (axes reversed).  dx = dout.T."""

    name = "T"

    def forward(self, x):
        return x.T

    def bprop(self, inputs, out, dout, i):
        return dout.T


class BroadcastTo(Op):
    """out = x copied along axes to ``shape`` (NumPy broadcasting).  dx sums the copies."""

    def __init__(self, shape):
        self.shape = shape
        self.name = f"broadcast{shape}"

    def forward(self, x):
        return np.broadcast_to(x, self.shape)

    def bprop(self, inputs, out, dout, i):
        return unbroadcast(dout, inputs[0].shape)


class LogSoftmax(Op):
    """out = z - log(sum(exp z)) along ``axis``, stable at any size of z.

    z: (..., K) -> out: (..., K).  With s = softmax(z) = exp(out):
    dz = dout - s * sum(dout) (along axis): the Jacobian is I - 1 s^T per row.
    """

    def __init__(self, axis=-1):
        self.axis = axis
        self.name = "log_softmax" if axis == -1 else f"log_softmax({axis})"

    def forward(self, z):
        return numerics.log_softmax(z, axis=self.axis)

    def bprop(self, inputs, out, dout, i):
        return dout - _exp(out) * dout.sum(axis=self.axis, keepdims=True)


# One shared instance of each op without parameters.
ADD, SUB, MUL, DIV, NEG, MATMUL = Add(), Sub(), Mul(), Div(), Neg(), MatMul()
EXP, LOG, TANH, SIGMOID, RELU, TRANSPOSE = Exp(), Log(), Tanh(), Sigmoid(), Relu(), Transpose()
