"""Mini-batches: one pass over the data (an epoch) in a seeded random order.

NumPy only; the training loop wraps each batch in Tensors.
"""

import numpy as np

__all__ = ["MiniBatches"]


class MiniBatches:
    """Iterate over (X, y) in mini-batches; each ``for`` loop over it is one epoch.

    X: (N, ...) inputs; y: (N, ...) targets (labels or one-hot rows).
    batch_size: B examples per batch (B >= N gives full-batch gradient descent;
    B = 1 the incremental, "stochastic" update).
    shuffle: draw a new order for every epoch from this object's own random
    generator, seeded with ``seed``, so a run is reproducible and independent of
    any other randomness in the notebook.  shuffle=False keeps the data's order.
    drop_last: when B does not divide N, the last batch of an epoch has N mod B
    examples; by default (False) it is kept, so every example is used once per
    epoch (as PyTorch's DataLoader and Keras do); True drops it.

    Yields (X_batch, y_batch): (B, ...) and (B, ...) arrays (the last may be smaller).
    ``len(batches)`` is the number of batches per epoch.
    """

    def __init__(self, X, y, batch_size, *, shuffle=True, seed=0, drop_last=False):
        self.X, self.y = np.asarray(X), np.asarray(y)
        if len(self.X) != len(self.y):
            raise ValueError(f"X has {len(self.X)} rows but y has {len(self.y)}")
        if int(batch_size) != batch_size or batch_size < 1:
            raise ValueError(f"batch_size must be a whole number >= 1, not {batch_size!r}")
        self.batch_size = int(batch_size)
        self.shuffle, self.drop_last = shuffle, drop_last
        self.rng = np.random.default_rng(seed)

    def __len__(self):
        n, b = len(self.X), self.batch_size
        return n // b if self.drop_last else -(-n // b)

    def __iter__(self):
        n = len(self.X)
        order = self.rng.permutation(n) if self.shuffle else np.arange(n)
        for k in range(len(self)):
            idx = order[k * self.batch_size:(k + 1) * self.batch_size]
            yield self.X[idx], self.y[idx]
