"""The course's data sets, all offline: Iris from a file in this package, XOR built in code.

Each loader returns a ``Dataset`` that unpacks like a pair, ``X, y = load_iris()``,
and also carries the names of its features and classes.  Every call returns
fresh arrays, so changing them in one notebook cell cannot change another's data.
"""

import csv
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import numpy as np

__all__ = ["IRIS_CLASSES", "IRIS_FEATURES", "Dataset", "load_iris", "xor"]

IRIS_FEATURES = ("sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)")
IRIS_CLASSES = ("setosa", "versicolor", "virginica")


@dataclass(frozen=True, eq=False)
class Dataset:
    """Inputs and labels with their names.

    X: (N, D) float64 inputs, one example per row.
    y: (N,) int64 class labels 0 .. C-1.
    feature_names: D names, one per column of X.  class_names: C names, one per label.
    """

    X: np.ndarray
    y: np.ndarray
    feature_names: tuple
    class_names: tuple

    def __iter__(self):  # X, y = dataset
        return iter((self.X, self.y))

    def __repr__(self):
        return (f"Dataset({len(self.X)} examples; features {', '.join(self.feature_names)}; "
                f"classes {', '.join(self.class_names)})")


def load_iris():
    """Fisher's Iris data (see course_lib/data/README.md for source, licence, errata).

    Returns a Dataset: X (150, 4) float64 in cm, columns ``IRIS_FEATURES``;
    y (150,) int64, 0 setosa, 1 versicolor, 2 virginica (50 each, in that order).
    Row 1 (0-based), (4.9, 3.0, 1.4, 0.2), is the slides' IBM example input.
    """
    X, y = _read_iris()
    return Dataset(X.copy(), y.copy(), IRIS_FEATURES, IRIS_CLASSES)


@cache
def _read_iris():
    with files("course_lib.data").joinpath("iris.csv").open(newline="") as f:
        rows = list(csv.reader(f))
    header, rows = rows[0], rows[1:]
    if header[-1] != "species" or len(rows) != 150:
        raise ValueError("course_lib/data/iris.csv is damaged: reinstall course_lib")
    X = np.array([row[:4] for row in rows], dtype=np.float64)
    y = np.array([IRIS_CLASSES.index(row[4]) for row in rows], dtype=np.int64)
    return X, y


def xor():
    """The XOR problem of the slides: the four points of {0, 1}^2 and their XOR.

    Returns a Dataset: X (4, 2) float64, rows (0, 0), (0, 1), (1, 0), (1, 1);
    y (4,) int64 = (0, 1, 1, 0).  As a regression target: ``y[:, None].astype(float)``.
    """
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0], dtype=np.int64)
    return Dataset(X, y, ("x1", "x2"), ("0", "1"))
