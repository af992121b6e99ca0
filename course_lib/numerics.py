"""Stable formulas for sigmoid and softmax, shared by ``engine``, ``nn`` and ``check``.

NumPy only (and ``_blocking``, which needs nothing): every layer above uses
these very functions (the autodiff engine, ``nn``, which exports ``sigmoid``,
``sigmoid_grad`` and ``softmax`` as its own, the known mistakes in ``check``)
without importing another.  So blocking ``course_lib.nn.sigmoid`` while a
student writes their own blocks every course_lib route to it, the engine's
``Tensor.sigmoid`` and ``engine.rules`` included.

sigmoid, sigmoid_grad and softmax compute in float64, as all of ``nn``'s
activations do; log_softmax (the engine's) keeps float32 as float32.
"""

import numpy as np

from course_lib._blocking import blockable

__all__ = ["float_array", "log_softmax", "sigmoid", "sigmoid_grad", "softmax"]


def float_array(x):
    """x as an ndarray of floats: float32 stays float32, anything else becomes float64.

    No copy when x already is such an array.
    """
    x = np.asarray(x)
    return x if x.dtype == np.float32 or x.dtype == np.float64 else x.astype(np.float64)


@blockable
def sigmoid(x):
    """1 / (1 + exp(-x)), computed without overflow for any x.

    For x >= 0 use 1 / (1 + e^-x); for x < 0 the equal form e^x / (1 + e^x).
    Both only ever exponentiate a number <= 0, so exp never overflows.
    """
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


@blockable
def sigmoid_grad(x):
    """sigma'(x) = sigma(x) (1 - sigma(x)), at the input x."""
    s = sigmoid(x)
    return s * (1.0 - s)


@blockable
def softmax(z, axis=-1):
    """exp(z_i) / sum_j exp(z_j) along ``axis``, without overflow.

    z: (..., K).  Returns (..., K), entries in [0, 1] summing to 1 along axis.
    Subtracting max(z) first changes nothing mathematically (the factor
    e^-max cancels) but keeps every exponent <= 0.
    """
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(z, axis=-1):
    """log(softmax(z)) along ``axis``: z - max - log(sum exp(z - max)), without overflow.

    z: (..., K), float32 or float64 (kept).  Returns (..., K), every entry <= 0.
    Taking log of softmax(z) instead would give log(0) = -inf wherever softmax
    underflows (z = -1000).
    """
    z = float_array(z)
    shifted = z - np.max(z, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))
