"""The course's data sets and their preparation; no network access, NumPy only.

    load_iris()          Fisher's Iris: X (150, 4) in cm, y (150,) classes 0, 1, 2
    xor()                the four points of {0, 1}^2 and their XOR
    train_test_split     a seeded, stratified split
    one_hot, standardize targets as rows of the identity; zero-mean, unit-variance columns

Source and licence of the shipped files: course_lib/data/README.md.
"""

from course_lib.data.datasets import IRIS_CLASSES, IRIS_FEATURES, Dataset, load_iris, xor
from course_lib.data.prepare import one_hot, standardize, train_test_split

__all__ = [
    "IRIS_CLASSES",
    "IRIS_FEATURES",
    "Dataset",
    "load_iris",
    "one_hot",
    "standardize",
    "train_test_split",
    "xor",
]
