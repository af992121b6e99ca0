"""Preparing data for training: a seeded train/test split, one-hot targets, standardising.

NumPy only, and deterministic: the same seed gives the same split on every run.
"""

import numpy as np

__all__ = ["one_hot", "standardize", "train_test_split"]


def train_test_split(X, y, *, test_size=0.2, seed=0, stratify=True):
    """Split (X, y) at random into a training and a test part.

    X: (N, ...) inputs; y: (N,) labels.  test_size: the fraction (0 < f < 1)
    of examples to hold out.  stratify: hold out that fraction of each class
    (rounded per class), so both parts have the classes in the original
    proportions; otherwise of all N examples.  Both parts come in a shuffled
    order, so no part lists one class after another.

    Returns X_train, X_test, y_train, y_test (as scikit-learn does); the parts
    are copies, disjoint, and together hold every example once.
    """
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} rows but y has {len(y)} labels")
    if not 0 < test_size < 1:
        raise ValueError("test_size is the fraction to hold out, between 0 and 1, "
                         f"not {test_size!r}")
    rng = np.random.default_rng(seed)
    groups = [np.flatnonzero(y == c) for c in np.unique(y)] if stratify else [np.arange(len(y))]
    test, train = [], []
    for idx in groups:
        idx = rng.permutation(idx)
        k = int(round(test_size * len(idx)))
        test.append(idx[:k])
        train.append(idx[k:])
    test, train = rng.permutation(np.concatenate(test)), rng.permutation(np.concatenate(train))
    if len(test) == 0 or len(train) == 0:
        raise ValueError(f"test_size={test_size} leaves one part empty for {len(y)} examples")
    return X[train], X[test], y[train], y[test]


def one_hot(y, num_classes=None):
    """Labels as one-hot rows: y (N,) ints 0 .. C-1 -> (N, C) float64.

    num_classes: C (default: the largest label + 1).
    """
    y = np.asarray(y)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise ValueError("one_hot needs a 1-D array of integer labels, "
                         f"got {y.dtype} of shape {y.shape}")
    num_classes = int(y.max()) + 1 if num_classes is None else num_classes
    if y.min() < 0 or y.max() >= num_classes:
        raise ValueError(f"labels must lie in 0 .. {num_classes - 1}, got {y.min()} .. {y.max()}")
    return np.eye(num_classes)[y]


def standardize(X, like=None):
    """Each column shifted to mean 0 and scaled to standard deviation 1.

    X: (N, D).  like: (M, D) data whose mean and standard deviation to use
    (default X itself).  Scale a test set with the training set's statistics,
    ``standardize(X_test, like=X_train)``, so both are transformed alike.
    Returns (N, D) float64.
    """
    X = np.asarray(X, dtype=np.float64)
    ref = X if like is None else np.asarray(like, dtype=np.float64)
    std = ref.std(axis=0)
    if np.any(std == 0):
        constant = np.flatnonzero(std == 0).tolist()
        raise ValueError(f"column(s) {constant} are constant: cannot scale them")
    return (X - ref.mean(axis=0)) / std
