"""Layers on ``Tensor``: a dense layer ``Linear`` and a multilayer perceptron ``TensorMLP``.

Weights follow the row convention of notebook 02 and of Keras: a batch X of
shape (N, n_in) times W of shape (n_in, n_out), plus b of shape (n_out,).
"""

import numpy as np

from course_lib.engine import Tensor, apply
from course_lib.engine.ops import Op

__all__ = ["Linear", "TensorMLP"]


class Affine(Op):
    """out = x @ w + b as one operation (as PyTorch's addmm): one node instead of two.

    x: (N, D), w: (D, M), b: (M,) -> out: (N, M).
    dx = dout @ w^T: (N, D);  dw = x^T @ dout: (D, M);  db = dout summed over the batch: (M,).
    """

    name = "linear"

    def forward(self, x, w, b):
        out = x @ w
        out += b  # in place: no second (N, M) array
        return out

    def bprop(self, inputs, out, dout, i):
        x, w, _ = inputs
        if i == 0:
            return dout @ w.T
        if i == 1:
            return x.T @ dout
        return dout.sum(axis=0)


AFFINE = Affine()


class Linear:
    """A dense layer, x -> x W + b.  x: (N, n_in) or (n_in,) -> (N, n_out) or (n_out,).

    Initialisation, explicit and seeded: W uniform in [-l, l] with
    l = sqrt(6 / (n_in + n_out)) (Glorot/Xavier uniform, Keras' default for
    Dense), b = 0.  seed: an int, or a numpy Generator to draw from (TensorMLP
    passes one Generator through all its layers).
    dtype: np.float64 (default; for gradient checks) or np.float32.
    """

    def __init__(self, n_in, n_out, *, seed=0, dtype=np.float64):
        rng = np.random.default_rng(seed)
        limit = np.sqrt(6 / (n_in + n_out))
        self.W = Tensor(rng.uniform(-limit, limit, (n_in, n_out)).astype(dtype), label="W")
        self.b = Tensor(np.zeros(n_out, dtype), label="b")

    def __call__(self, x):
        if type(x) is not Tensor:
            x = Tensor(x, requires_grad=False)
        if x.data.ndim == 2:
            return apply(AFFINE, x, self.W, self.b)
        return x @ self.W + self.b

    def parameters(self):
        return [self.W, self.b]

    def __repr__(self):
        return f"Linear({self.W.shape[0]}, {self.W.shape[1]})"


class TensorMLP:
    """Dense layers of sizes ``sizes`` = [inputs, hidden..., outputs], ``act`` after
    each hidden layer, none after the last (outputs are logits or values).

    x: (N, sizes[0]) -> (N, sizes[-1]).  act: "relu", "tanh" or "sigmoid".
    seed: one numpy Generator seeded with it initialises every layer in turn.
    """

    def __init__(self, sizes, *, act="relu", seed=0, dtype=np.float64):
        if act not in ("relu", "tanh", "sigmoid"):
            raise ValueError(f"act must be 'relu', 'tanh' or 'sigmoid', not {act!r}")
        rng = np.random.default_rng(seed)
        self.layers = [Linear(n_in, n_out, seed=rng, dtype=dtype)
                       for n_in, n_out in zip(sizes[:-1], sizes[1:])]
        self.act = act

    def __call__(self, x):
        act, layers = getattr(Tensor, self.act), self.layers
        for k in range(len(layers) - 1):
            x = act(layers[k](x))
        return layers[-1](x)

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def zero_grad(self):
        """Forget the gradients of the last backward pass (they accumulate otherwise)."""
        for p in self.parameters():
            p.grad = None
