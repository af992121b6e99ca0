"""``Tensor``: an array in a computational graph, for reverse-mode differentiation.

A Tensor wraps an ndarray (``data``).  Every operation on Tensors computes
its result with NumPy and records how it was made: the op (from
``course_lib.engine.ops``, where each op's forward and bprop stand side by
side) and its inputs, ``parents``.  ``backward()`` then fills ``grad``
(course_lib.engine.autodiff); ``course_lib.engine.grad`` builds gradients as
Tensors that can be differentiated again.

As in PyTorch, a Tensor made with ``requires_grad=False`` (data, targets, a
number in an expression) is a constant: it gets no gradient, an operation on
constants only records nothing, and the backward pass does no work for them.

Speed: a forward operation is one NumPy call plus one small object; an op
checks for numbers and shapes only where it must (benchmarks/bench_tensor.py).
"""

import itertools
from operator import attrgetter

import numpy as np

from course_lib.engine import autodiff
from course_lib.engine import ops
from course_lib.engine.ops import (ADD, DIV, EXP, LOG, MATMUL, MUL, NEG, RELU, SIGMOID, SUB, TANH,
                                   TRANSPOSE)
from course_lib.numerics import float_array

__all__ = ["Tensor", "apply"]

_made = itertools.count()  # the order in which nodes are made: a topological order
_new_object = object.__new__
_ndarray = np.ndarray


class Tensor:
    """An array in a computational graph.

    data: ndarray, float32 kept as float32, anything else as float64 (shared
        with the array passed in when it already is one of these, no copy).
    grad: ndarray of data's shape after ``backward()``; None before.
    requires_grad: False for constants (data, targets): they get no grad.
    op: the operation that made this Tensor (None for an input); ``str(op)`` is its name.
    parents: the input Tensors of ``op``, in argument order (a tuple).
    label: a name for drawings.
    """

    __slots__ = ("data", "grad", "requires_grad", "op", "parents", "label", "_made")
    __array_ufunc__ = None  # array + Tensor calls Tensor.__radd__, not NumPy's loop

    def __init__(self, data, requires_grad=True, label=""):
        self.data = float_array(data.data if isinstance(data, Tensor) else data)
        self.grad = None
        self.requires_grad = bool(requires_grad)
        self.op = None
        self.parents = ()
        self.label = label
        self._made = next(_made)

    # -- what it holds ---------------------------------------------------------------------
    shape = property(lambda self: self.data.shape)
    ndim = property(lambda self: self.data.ndim)
    size = property(lambda self: self.data.size)
    dtype = property(lambda self: self.data.dtype)

    def item(self):
        """The value of a one-element Tensor as a Python number."""
        return self.data.item()

    def __float__(self):
        return float(self.data)

    def __array__(self, dtype=None, copy=None):  # np.asarray(t) gives t.data (no gradient)
        return self.data if dtype is None else self.data.astype(dtype)

    def __repr__(self):
        data = np.array2string(self.data, precision=4, threshold=8, separator=", ")
        extra = "" if self.requires_grad else ", requires_grad=False"
        return f"Tensor({data}{extra})"

    # -- arithmetic, with numbers and arrays on either side ---------------------------------------
    def __add__(self, other):
        return _apply2(ADD, self, _tensor(other, self))

    def __radd__(self, other):
        return _apply2(ADD, _tensor(other, self), self)

    def __sub__(self, other):
        return _apply2(SUB, self, _tensor(other, self))

    def __rsub__(self, other):
        return _apply2(SUB, _tensor(other, self), self)

    def __mul__(self, other):
        return _apply2(MUL, self, _tensor(other, self))

    def __rmul__(self, other):
        return _apply2(MUL, _tensor(other, self), self)

    def __truediv__(self, other):
        return _apply2(DIV, self, _tensor(other, self))

    def __rtruediv__(self, other):
        return _apply2(DIV, _tensor(other, self), self)

    def __neg__(self):
        return _apply1(NEG, self)

    def __pow__(self, exponent):
        if isinstance(exponent, Tensor) or not np.isscalar(exponent):
            raise TypeError("Tensor ** x needs a number x as the exponent")
        return _apply1(ops.Pow(exponent), self)

    def __matmul__(self, other):
        return _matmul(self, _tensor(other, self))

    def __rmatmul__(self, other):
        return _matmul(_tensor(other, self), self)

    # -- elementwise functions -------------------------------------------------------------------
    def relu(self):
        return _apply1(RELU, self)

    def sigmoid(self):
        return _apply1(SIGMOID, self)

    def tanh(self):
        return _apply1(TANH, self)

    def exp(self):
        return _apply1(EXP, self)

    def log(self):
        return _apply1(LOG, self)

    # -- reductions and shapes ------------------------------------------------------------------
    def sum(self, axis=None, keepdims=False):
        return _apply1(ops.Sum(axis, keepdims), self)

    def mean(self, axis=None, keepdims=False):
        return _apply1(ops.Mean(axis, keepdims), self)

    def log_softmax(self, axis=-1):
        """log(softmax) along ``axis``, computed stably (for cross-entropy from logits)."""
        return _apply1(ops.LogSoftmax(axis), self)

    def reshape(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return _apply1(ops.Reshape(shape), self)

    @property
    def T(self):
        return _apply1(TRANSPOSE, self)

    def broadcast_to(self, shape):
        return _apply1(ops.BroadcastTo(tuple(shape)), self)

    # -- reverse mode ---------------------------------------------------------------------
    def backward(self):
        """Fill ``grad`` of every Tensor this one depends on that needs a gradient.

        Needs a Tensor of one element (a loss).  As in PyTorch, the inputs of
        the graph (parameters) accumulate: a second call adds to their
        ``grad``, so set it to None between training steps.  Every Tensor an
        operation made gets this pass's gradient.
        """
        if not self.requires_grad:
            raise ValueError("backward() on a Tensor that depends on nothing with "
                             "requires_grad=True: there is no gradient to compute")
        autodiff.backward(self)


def _tensor(value, like):
    """value as a Tensor; a number becomes a constant of ``like``'s dtype (as NumPy does)."""
    if type(value) is Tensor:
        return value
    if isinstance(value, (int, float, np.integer)):
        value = np.asarray(value, dtype=like.data.dtype)
    return Tensor(value, requires_grad=False)


def apply(op, *inputs):
    """The Tensor that ``op`` (an instance of course_lib.engine.ops.Op) makes from ``inputs``.

    inputs: Tensors (or arrays and numbers, which become constants).  For an
    op of one's own: a class with ``forward(*arrays)`` and ``bprop(inputs,
    out, dout, i)``, as those in course_lib.engine.ops.
    """
    for x in inputs:
        if type(x) is not Tensor:
            inputs = tuple(x if type(x) is Tensor else Tensor(x, requires_grad=False)
                           for x in inputs)
            break
    return _made_by(op, op.forward(*map(_data, inputs)), inputs)


_data = attrgetter("data")


def _made_by(op, data, parents):
    """The output node of ``op``; records op and parents only if it needs a gradient.

    Sets the fields directly (no __init__): making nodes is most of a forward pass.
    """
    out = _new_object(Tensor)
    out.data = data if type(data) is _ndarray else np.asarray(data)
    out.grad = None
    out.label = ""
    out._made = next(_made)
    for p in parents:
        if p.requires_grad:
            out.requires_grad, out.op, out.parents = True, op, parents
            return out
    out.requires_grad, out.op, out.parents = False, None, ()
    return out


def _apply1(op, x):
    return _made_by(op, op.forward(x.data), (x,))


def _apply2(op, x, y):
    return _made_by(op, op.forward(x.data, y.data), (x, y))


def _matmul(x, w):
    """x @ w for 1-D or 2-D operands; a 1-D one becomes a row (x) or a column (w)."""
    if x.data.ndim == 2 and w.data.ndim == 2:
        return _apply2(MATMUL, x, w)
    if not (1 <= x.ndim <= 2 and 1 <= w.ndim <= 2):
        raise ValueError(f"@ takes 1-D or 2-D Tensors, got shapes {x.shape} and {w.shape}")
    shape = x.shape[:-1] + w.shape[1:]  # NumPy's result shape
    x2 = x.reshape(1, -1) if x.ndim == 1 else x
    w2 = w.reshape(-1, 1) if w.ndim == 1 else w
    return _apply2(MATMUL, x2, w2).reshape(shape)
