"""Losses on ``Tensor``: each returns a Tensor of shape () to call ``backward()`` on.

output: a Tensor (what the network computed); target: an array or a Tensor
of the same shape (or, for cross-entropy, class numbers), taken as a
constant.  They differ in scale, which matters for the learning rate:

    mse            mean of (t - o)^2 over outputs and batch      (Keras' "mse")
    half_sse       sum of (t - o)^2 / 2 over everything          (the slides' E)
    cross_entropy  mean over the batch of -sum t log softmax(z)  (Keras' from_logits=True)
"""

import numpy as np

from course_lib.engine import Tensor, apply
from course_lib.engine.ops import Op

__all__ = ["cross_entropy", "half_sse", "mse"]


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
