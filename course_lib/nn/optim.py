"""Stochastic gradient descent, with optional momentum.

An optimiser sees parameters only through two fields, ``.data`` and ``.grad``,
so it works for the array ``Tensor`` as for the scalar ``Value``.
"""

__all__ = ["SGD"]


class SGD:
    """Gradient descent on ``params``: each ``step()`` moves every parameter
    against its gradient, p <- p - lr * g.

    params: the parameters (Tensors, or Values), e.g. ``model.parameters()``.
    lr: the learning rate eta (may be changed between steps: ``opt.lr = 0.01``).
    momentum: mu in [0, 1).  With mu > 0 each parameter keeps a velocity
    v <- mu * v + g (v = g at the first step) and moves p <- p - lr * v, as
    PyTorch does; for a fixed lr this is the Deep Learning book's
    v <- alpha v - eps g, p <- p + v (Goodfellow et al. 8.3.2) with its v scaled by -1/lr.

    A training step: ``opt.zero_grad(); loss.backward(); opt.step()``.
    Each step gives a parameter a new ``.data`` array: an array saved before the
    step keeps its values.
    """

    def __init__(self, params, lr, momentum=0.0):
        self.params = list(params)
        if not self.params:
            raise ValueError("SGD got no parameters: pass model.parameters()")
        if not lr >= 0:
            raise ValueError(f"the learning rate must be a number >= 0, not {lr!r}")
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum must lie in [0, 1), not {momentum!r}")
        self.lr, self.momentum = lr, momentum
        self.velocity = [None] * len(self.params)

    def step(self):
        """Update every parameter that has a gradient (one that no path from the
        loss reached, with ``grad`` None, stays as it is)."""
        if all(p.grad is None for p in self.params):
            raise RuntimeError("no parameter has a gradient: call loss.backward() before step()")
        for k, p in enumerate(self.params):
            if p.grad is None:
                continue
            g = p.grad
            if self.momentum:  # a new array, never p.grad itself, which backward may reuse
                v = self.velocity[k]
                g = self.velocity[k] = self.momentum * (0.0 if v is None else v) + g
            p.data = p.data - self.lr * g

    def zero_grad(self):
        """Forget the gradients of the last backward pass, before the next one adds up new ones."""
        for p in self.params:
            p.grad = 0.0 if isinstance(p.grad, float) else None
