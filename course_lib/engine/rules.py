"""Elementwise operations with their backward (reverse) and tangent (forward) rules.

For define-and-run graphs (notebooks 02 and 03): a graph is a dict
name -> (op, input names), and these tables say how each op computes, how it
sends a gradient back to its inputs, and how it pushes a tangent forward.

    forward:  FORWARD[op](*xs) -> out
    backward: BACKWARD[op](dout, *xs) -> (dx1, ...): dout times d(out)/d(xi), one per input
    tangent:  TANGENT[op](xs, dxs) -> dout: the change of out for input changes dxs

All work on numbers or equally shaped arrays (no broadcasting).  The backward
rules and tangent rules are ``blockable``: a test switches them off while a
student writes their own (and sigmoid's rules call ``nn.sigmoid_grad``, so
blocking that blocks them too).
"""

import numpy as np

from course_lib._blocking import blockable
from course_lib.nn.activations import sigmoid, sigmoid_grad

__all__ = [
    "BACKWARD",
    "FORWARD",
    "TANGENT",
    "add_backward",
    "mul_backward",
    "relu_backward",
    "sigmoid_backward",
]


@blockable
def add_backward(dout, x, y):
    """out = x + y: both inputs receive dout unchanged."""
    return dout, dout


@blockable
def mul_backward(dout, x, y):
    """out = x * y: each input receives dout times the other input."""
    return dout * y, dout * x


@blockable
def relu_backward(dout, x):
    """out = max(0, x): dout passes where x > 0, else 0."""
    return (dout * (np.asarray(x) > 0),)


@blockable
def sigmoid_backward(dout, x):
    """out = sigma(x): dout times sigma(x) (1 - sigma(x)), at the input x."""
    return (dout * sigmoid_grad(x),)


FORWARD = {
    "add": lambda x, y: x + y,
    "mul": lambda x, y: x * y,
    "relu": lambda x: np.maximum(0.0, x),
    "sigmoid": sigmoid,
}

BACKWARD = {
    "add": add_backward,
    "mul": mul_backward,
    "relu": relu_backward,
    "sigmoid": sigmoid_backward,
}

# Blockable too: forward mode must not stand in for an exercise's backward rule.
TANGENT = {op: blockable(rule, f"TANGENT[{op!r}]") for op, rule in {
    "add": lambda xs, dxs: dxs[0] + dxs[1],
    "mul": lambda xs, dxs: dxs[0] * xs[1] + xs[0] * dxs[1],
    "relu": lambda xs, dxs: dxs[0] * (np.asarray(xs[0]) > 0),
    "sigmoid": lambda xs, dxs: dxs[0] * sigmoid_grad(xs[0]),
}.items()}
