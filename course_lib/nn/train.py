"""A short training loop: mini-batch gradient descent that records its losses.

    history = fit(model, loss, SGD(model.parameters(), lr=0.1), MiniBatches(X, y, 16), epochs=50)

``history.step_loss`` has the loss of every mini-batch, ``history.epoch_loss``
one number per epoch.  A run that overflows stops early and says so
(``history.diverged``) instead of printing warnings, which in a graded cell
would score it 0.
"""

from dataclasses import dataclass, field

import numpy as np

from course_lib.engine import Tensor
from course_lib.nn.progress import PROGRESS_MIN_STEPS, progress_bar

__all__ = ["History", "fit"]


@dataclass(repr=False)
class History:
    """The losses of a training run.

    step_loss: the loss of each mini-batch, computed before that step's update
    (the value whose gradient the step used).
    epoch_loss: per epoch, the mean of its step losses weighted by batch size
    (what Keras reports as ``loss``).  The weights change during an epoch, so
    ``epoch_loss[0]`` is not the loss before training: compute that as
    ``loss(model(X), y)`` before calling ``fit``.
    diverged: True when a loss became inf or nan; the run stopped there.
    """

    step_loss: list = field(default_factory=list)
    epoch_loss: list = field(default_factory=list)
    diverged: bool = False

    def __repr__(self):
        end = (f"diverged at step {len(self.step_loss)}" if self.diverged
               else f"last epoch loss {self.epoch_loss[-1]:.6g}" if self.epoch_loss else "empty")
        return f"History({len(self.epoch_loss)} epochs, {len(self.step_loss)} steps, {end})"


def fit(model, loss, optimiser, batches, epochs=1, *, progress=None):
    """Train ``model`` for ``epochs`` passes over ``batches``; returns a History.

    model: a callable, Tensor (B, D) -> outputs (a Tensor), e.g. a TensorMLP.
    loss: a callable (outputs, targets) -> Tensor of shape (), e.g. ``mse``,
    ``half_sse`` or ``cross_entropy``; targets are passed as the arrays the
    batches hold (labels or one-hot rows).
    optimiser: an SGD over the model's parameters.
    batches: a MiniBatches (or any re-iterable of (X_batch, y_batch) with a len()).
    progress: show a progress bar over the epochs: True, False, or None for a bar
    when the run has at least PROGRESS_MIN_STEPS steps.
    """
    if len(batches) == 0:
        raise ValueError("there is no mini-batch in an epoch: with drop_last=True the "
                         "batch size must not exceed the number of examples")
    history = History()
    show = progress if progress is not None else epochs * len(batches) >= PROGRESS_MIN_STEPS
    bar = progress_bar(epochs, desc="training", show=show)
    # a diverging run overflows: it is stopped below, without NumPy's warnings on stderr
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for _ in range(epochs):
            total = count = 0.0
            for X_batch, y_batch in batches:
                value = _step(model, loss, optimiser, X_batch, y_batch)
                history.step_loss.append(value)
                total, count = total + value * len(X_batch), count + len(X_batch)
                if not np.isfinite(value):
                    history.diverged = True
                    break
            history.epoch_loss.append(total / count)
            if bar is not None:
                bar.set_postfix(loss=f"{history.epoch_loss[-1]:.4g}", refresh=False)
                bar.update()
            if history.diverged:
                break
    if bar is not None:
        bar.close()
    return history


def _step(model, loss, optimiser, X_batch, y_batch):
    """One update on one mini-batch; returns the batch's loss before the update."""
    value = loss(model(Tensor(X_batch, requires_grad=False)), y_batch)
    if value.data.shape != ():
        raise ValueError(f"the loss must be one number (shape ()), not shape {value.data.shape}: "
                         f"sum or average it over the batch")
    number = float(value.data)
    if np.isfinite(number):
        optimiser.zero_grad()
        value.backward()
        optimiser.step()
    return number
