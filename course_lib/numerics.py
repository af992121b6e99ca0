"""Stable formulas for sigmoid and softmax, shared by ``engine``, ``nn`` and ``check``.

NumPy only, and nothing else from course_lib: every layer above may use these
(the autodiff engine, the activations in ``nn``, the known mistakes in
``check``) without importing another.  Each function keeps float32 as float32
and computes everything else in float64, as ``course_lib.engine.Tensor`` does.
"""

import numpy as np

__all__ = ["float_array", "log_softmax", "sigmoid", "sigmoid_grad", "softmax"]


def float_array(x):
    """x as an ndarray of floats: float32 stays float32, anything else becomes float64.

    No copy when x already is such an array.
    """
    x = np.asarray(x)
    return x if x.dtype == np.float32 or x.dtype == np.float64 else x.astype(np.float64)


def sigmoid(x):
    """1 / (1 + exp(-x)), computed without overflow for any x.

    For x >= 0 use 1 / (1 + e^-x); for x < 0 the equal form e^x / (1 + e^x).
    Both only ever exponentiate a number <= 0, so exp never overflows.
    """
    x = float_array(x)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_grad(x):
    """sigma'(x) = sigma(x) (1 - sigma(x)), at the input x."""
    s = sigmoid(x)
    return s * (1 - s)


def softmax(z, axis=-1):
    """exp(z_i) / sum_j exp(z_j) along ``axis``, without overflow.

    z: (..., K).  Returns (..., K), entries in [0, 1] summing to 1 along axis.
    Subtracting max(z) first changes nothing mathematically (the factor
    e^-max cancels) but keeps every exponent <= 0.
    """
    z = float_array(z)
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(z, axis=-1):
    """log(softmax(z)) along ``axis``: z - max - log(sum exp(z - max)), without overflow.

    z: (..., K).  Returns (..., K), every entry <= 0.  Taking log of softmax(z)
    instead would give log(0) = -inf wherever softmax underflows (z = -1000).
    """
    z = float_array(z)
    shifted = z - np.max(z, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))
