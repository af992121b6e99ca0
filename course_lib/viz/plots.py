"""Matplotlib plots used by the notebooks.

Each function draws one figure and returns it; in JupyterLab the figure shows
below the cell.  Imports matplotlib, so ``import course_lib`` does not load this.
"""

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["plot_curves", "plot_error_vs_h", "plot_path_on_contours"]


def plot_curves(x, panels, *, titles=None, ncols=None, styles=None):
    """Several panels of curves over a common x.

    x: (N,) points.
    panels: list of dicts {label: y}, one per panel, each y of shape (N,).
    titles: optional panel titles.
    styles: optional {label: matplotlib keywords} (``{"ls": "--"}``), for
        curves that would otherwise hide one another where they coincide.
    """
    styles = styles or {}
    ncols = ncols or len(panels)
    nrows = -(-len(panels) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 3.2 * nrows), squeeze=False)
    for k, (ax, curves) in enumerate(zip(axes.flat, panels)):
        for label, y in curves.items():
            ax.plot(x, y, label=label, **styles.get(label, {}))
        ax.axhline(0, color="0.8", lw=0.8, zorder=0)
        ax.axvline(0, color="0.8", lw=0.8, zorder=0)
        ax.legend(fontsize=8)
        if titles:
            ax.set_title(titles[k])
    for ax in list(axes.flat)[len(panels):]:
        ax.set_visible(False)
    fig.tight_layout()
    return fig


def plot_error_vs_h(h, errors, *, reference_slopes=(1, 2)):
    """Log-log plot of finite-difference error against step size h.

    h: (N,) step sizes; errors: {label: (N,) absolute errors}.
    reference_slopes: draw dotted lines of slope 1 (error ~ h) and 2 (~ h^2).
    """
    fig, ax = plt.subplots(figsize=(6, 4))
    for label, err in errors.items():
        ax.loglog(h, np.maximum(err, 1e-17), "o-", ms=3, label=label)
    anchor = h[len(h) // 2]
    for p in reference_slopes:
        ax.loglog(h, (h / anchor) ** p * 1e-6, ":", color="0.5", label=f"slope {p} (error ~ h^{p})")
    ax.set_xlabel("step size h")
    ax.set_ylabel("absolute error")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_path_on_contours(f, path, *, xlim=(-3, 3), ylim=(-3, 3), levels=21, title=None,
                          ax=None):
    """Contour lines of f(x1, x2) with one or several optimisation paths on top.

    f: callable taking an array (2,) -> number.
    path: (T, 2) points visited, starting point first; or {label: (T, 2) path} to
        compare several runs (learning rates, starts) on one plot.  A path that
        leaves the window is cut off at its edge.
    ax: draw into this axis (one panel of a larger figure) instead of a new figure.
    """
    xs = np.linspace(*xlim, 201)
    ys = np.linspace(*ylim, 201)
    X, Y = np.meshgrid(xs, ys)
    Z = _on_grid(f, X, Y)
    fig, ax = plt.subplots(figsize=(5, 4.5)) if ax is None else (ax.figure, ax)
    cs = ax.contour(X, Y, Z, levels=levels, cmap="coolwarm")
    ax.clabel(cs, fontsize=7)
    paths = path if isinstance(path, dict) else {"gradient descent": path}
    colors = ["k"] if len(paths) == 1 else plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for k, (label, points) in enumerate(paths.items()):
        points = np.asarray(points)
        ax.plot(points[:, 0], points[:, 1], ".-", color=colors[k % len(colors)], ms=5,
                label=label)
    starts = np.unique(np.array([np.asarray(p)[0] for p in paths.values()]), axis=0)
    ax.plot(starts[:, 0], starts[:, 1], "go", label="start")
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.legend(fontsize=8, loc="lower right")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def _on_grid(f, X, Y):
    """f at every point of the grid: in one call when f works on arrays elementwise
    (x[0] ** 2 - x[1] ** 2 does), else point by point."""
    try:
        Z = np.asarray(f(np.stack([X, Y])), dtype=np.float64)
        if Z.shape == X.shape:
            return Z
    except Exception:  # noqa: BLE001  a function of one point only
        pass
    return np.array([[f(np.array([a, b])) for a, b in zip(ra, rb)] for ra, rb in zip(X, Y)])
