"""Losses on ``Tensor``: each returns a Tensor of shape () to call ``backward()`` on.

output: a Tensor (what the network computed); target: an array or a Tensor
of the same shape (or, for cross-entropy, class numbers), taken as a
constant.  They differ in scale, which matters for the learning rate:

    mse                   mean of (t - o)^2 over outputs and batch      (Keras' "mse")
    half_sse              sum of (t - o)^2 / 2 over everything          (the slides' E)
    cross_entropy         mean over the batch of -sum t log softmax(z)  (Keras' from_logits=True)
    binary_cross_entropy  mean of -(y log sigma(z) + (1 - y) log(1 - sigma(z)))  (from logits)
"""

import numpy as np

from course_lib.engine import Tensor, apply
from course_lib.engine.ops import Op

__all__ = ["binary_cross_entropy", "cross_entropy", "half_sse", "mse"]


def _target(target, output):
    t = target if type(target) is Tensor else Tensor(target, requires_grad=False)
    if t.data.shape != output.data.shape:
        raise ValueError(f"the target has shape {t.shape} but the output has shape "
                         f"{output.shape}: they must be equal (no broadcasting in a loss)")
    return t


class MeanSquaredError(Op):
    """out = mean((o - t)^2) over every entry, as one operation (one per call: it
    keeps the difference o - t for its bprop, as PyTorch saves tensors).

    o, t: (N, K) (any shape, equal) -> out: ().  do = dout 2 (o - t) / n, n = o.size.
    """

    name = "mse"

    def forward(self, o, t):
        self.diff = d = o - t
        return (d * d).sum() / d.size

    def bprop(self, inputs, out, dout, i):
        if isinstance(dout, np.ndarray):  # numbers: one multiplication, by a float
            do = self.diff * (2 * float(dout) / self.diff.size)
        else:  # Tensors: a graph of o and t, which can be differentiated again
            o, t = inputs
            do = (o - t) * (dout * (2 / o.size))
        return do if i == 0 else -do


def mse(output, target):
    """Mean squared error, mean over outputs and batch: (1/(N K)) sum (t - o)^2."""
    return apply(MeanSquaredError(), output, _target(target, output))


def half_sse(output, target):
    """Half the summed squared error, 1/2 sum (t - o)^2: the slides' E, whose gradient is o - t."""
    d = output - _target(target, output)
    return 0.5 * (d ** 2).sum()


def cross_entropy(logits, target):
    """Cross-entropy from logits, averaged over the batch; stable for any logits.

    logits: (N, K) scores before softmax.  target: (N, K) probabilities (one-hot
    rows) or (N,) class numbers in 0..K-1.  Returns -(1/N) sum_n sum_k t_nk log s_nk
    with s = softmax(logits), computed as log_softmax (no log of 0 at +-1000).
    """
    t = np.asarray(target.data if type(target) is Tensor else target)
    if t.ndim == logits.ndim - 1 and np.issubdtype(t.dtype, np.integer):
        t = np.eye(logits.shape[-1], dtype=logits.dtype)[t]  # class numbers -> one-hot rows
    t = _target(t, logits)
    return -(t * logits.log_softmax(axis=-1)).sum(axis=-1).mean()


def binary_cross_entropy(logits, target):
    """Binary cross-entropy from logits, averaged over every entry; stable for any logits.

    logits: a Tensor of any shape, the scores z before the sigmoid.  target: an array
    (or constant Tensor) of the same shape, each entry a probability y in [0, 1] (a class
    label 0 or 1).  Returns -mean(y log sigma(z) + (1 - y) log(1 - sigma(z))), of shape ().

    A sigmoid is a softmax over the two scores (0, z): sigma(z) = e^z / (e^0 + e^z) and
    1 - sigma(z) = e^0 / (e^0 + e^z).  So this is ``cross_entropy`` on those pairs, through
    the same stable log_softmax: no log of 0 and no overflow at z = +-1000, and the
    gradient (sigma(z) - y) / n everywhere.
    """
    y = _target(target, logits).data.reshape(-1)
    pairs = logits.reshape(-1, 1) @ np.array([[0.0, 1.0]], dtype=logits.dtype)  # (n, 2): (0, z)
    weights = np.stack([1 - y, y], axis=1).astype(logits.dtype)  # (n, 2): (1 - y, y)
    return -(weights * pairs.log_softmax(axis=-1)).sum(axis=-1).mean()
