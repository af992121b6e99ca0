"""Plots of training: loss curves and a classifier's decision regions.

They see a training run only through its fields (``epoch_loss``, ``step_loss``)
and a model only through a predict function, so they need nothing from the
engine.  Each function draws one figure and returns it (or draws into ``ax``).
"""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.ticker import MaxNLocator

__all__ = ["plot_decision_regions", "plot_loss_curves"]

COLORS = matplotlib.colormaps["tab10"].colors


def plot_loss_curves(curves, *, per="epoch", log=None, ylabel="loss", title=None, ax=None):
    """Several loss curves on one axis, e.g. one per learning rate.

    curves: {label: losses}, where losses is a sequence of numbers or a training
    History (then ``per`` picks its ``epoch_loss`` or its ``step_loss``).
    log: a logarithmic loss axis; None chooses it when the positive losses span
    more than two powers of ten.  A curve that reaches inf or nan (a diverging
    run) ends with an x at its last finite value and "(diverged)" in its label.
    Points are numbered from 1: the n-th value belongs to epoch (or step) n.
    """
    if per not in ("epoch", "step"):
        raise ValueError(f"per must be 'epoch' or 'step', not {per!r}")
    fig, ax = _figure(ax, (6, 4))
    finite_values = []
    for k, (label, losses) in enumerate(curves.items()):
        y = np.asarray(getattr(losses, f"{per}_loss", losses), dtype=np.float64)
        bad = np.flatnonzero(~np.isfinite(y))
        shown = y if len(bad) == 0 else y[:bad[0]]
        x = np.arange(1, len(shown) + 1)
        color = COLORS[k % len(COLORS)]
        name = str(label) if len(bad) == 0 else f"{label} (diverged)"
        ax.plot(x, shown, color=color, label=name)
        if len(bad) and len(shown):
            ax.plot(x[-1], shown[-1], "x", color=color, ms=9, mew=2)
        finite_values.append(shown)
    values = np.concatenate(finite_values) if finite_values else np.array([])
    if log is None:
        log = len(values) > 0 and values.min() > 0 and values.max() / values.min() > 100
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(per)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(ylabel + (" (log scale)" if log else ""))
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_decision_regions(predict, X, y, *, feature_names=None, class_names=None,
                          resolution=200, title=None, ax=None):
    """The class a model predicts at every point of a plane, with the data on top.

    predict: a function from a (M, 2) float64 array of points to their labels
    (M,), or to scores (M, C) with C >= 2 whose largest entry is the label
    (a Tensor's ``.data`` is read).
    X: (N, 2) the two features; y: (N,) true labels 0 .. C-1.
    The legend says how many points the model classifies correctly.
    """
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError("decision regions need exactly 2 features: "
                         f"X must be (N, 2), not {X.shape}")
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = np.maximum(0.1 * (hi - lo), 0.5)
    g0, g1 = (np.linspace(lo[j] - pad[j], hi[j] + pad[j], resolution) for j in range(2))
    G0, G1 = np.meshgrid(g0, g1)
    regions = _labels(predict, np.column_stack([G0.ravel(), G1.ravel()])).reshape(G0.shape)
    n_classes = int(max(y.max(), regions.max())) + 1
    class_names = class_names or [str(c) for c in range(n_classes)]
    colors = [COLORS[c % len(COLORS)] for c in range(n_classes)]

    fig, ax = _figure(ax, (5.5, 4.5))
    ax.pcolormesh(G0, G1, regions, cmap=ListedColormap(colors), vmin=-0.5,
                  vmax=n_classes - 0.5, alpha=0.25, shading="auto")
    for c in range(n_classes):
        ax.scatter(*X[y == c].T, color=colors[c], edgecolor="k", s=25, label=class_names[c])
    correct = int((_labels(predict, X) == y).sum())
    ax.legend(fontsize=8, title=f"{correct}/{len(y)} correct", title_fontsize=8)
    names = feature_names or ("$x_1$", "$x_2$")
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def _labels(predict, points):
    out = predict(points)
    out = np.asarray(getattr(out, "data", out))  # a Tensor's values
    if out.ndim == 2 and out.shape[1] >= 2:
        out = out.argmax(axis=1)
    if out.shape != (len(points),):
        raise ValueError(f"predict must return (M,) labels or (M, C) scores with C >= 2 for "
                         f"M = {len(points)} points, not an array of shape {out.shape}")
    return out.astype(np.int64)


def _figure(ax, size):
    if ax is None:
        return plt.subplots(figsize=size)
    return ax.figure, ax
