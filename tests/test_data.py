"""course_lib.data: the shipped Iris file, XOR, and the train/test split; never the network."""

import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from course import ROOT

from course_lib.data import (IRIS_CLASSES, IRIS_FEATURES, load_iris, one_hot, standardize,
                             train_test_split, xor)


def test_iris_has_the_shape_types_and_order_of_fishers_table():
    X, y = load_iris()
    assert X.shape == (150, 4) and X.dtype == np.float64
    assert y.shape == (150,) and y.dtype == np.int64
    assert np.array_equal(y, np.repeat([0, 1, 2], 50))  # setosa, versicolor, virginica
    assert IRIS_CLASSES == ("setosa", "versicolor", "virginica")
    assert [name.split()[:2] for name in IRIS_FEATURES] == [
        ["sepal", "length"], ["sepal", "width"], ["petal", "length"], ["petal", "width"]]
    data = load_iris()
    assert data.feature_names == IRIS_FEATURES and data.class_names == IRIS_CLASSES
    assert "150 examples" in repr(data)
    # the slides' IBM example input is the second setosa flower
    assert X[1].tolist() == [4.9, 3.0, 1.4, 0.2] and y[1] == 0


def test_iris_matches_its_published_statistics():
    X, y = load_iris()
    assert X.min(axis=0).tolist() == [4.3, 2.0, 1.0, 0.1]
    assert X.max(axis=0).tolist() == [7.9, 4.4, 6.9, 2.5]
    np.testing.assert_allclose(X.mean(axis=0), [5.8433, 3.0573, 3.758, 1.1993], atol=5e-5)
    # Fisher's (1936) species means
    means = [X[y == c].mean(axis=0) for c in range(3)]
    np.testing.assert_allclose(means, [[5.006, 3.428, 1.462, 0.246],
                                       [5.936, 2.770, 4.260, 1.326],
                                       [6.588, 2.974, 5.552, 2.026]], atol=5e-4)


def test_the_two_uci_errata_explain_ucis_summary_statistics():
    """UCI's iris.names prints statistics of its own file, which has two wrong rows;
    with those two rows put back, our data gives exactly UCI's numbers."""
    X, y = load_iris()
    assert X[34].tolist() == [4.9, 3.1, 1.5, 0.2] and X[37].tolist() == [4.9, 3.6, 1.4, 0.1]
    uci = X.copy()
    uci[34] = uci[37] = [4.9, 3.1, 1.5, 0.1]
    assert np.round(uci.mean(axis=0), 2).tolist() == [5.84, 3.05, 3.76, 1.20]
    assert np.round(uci.std(axis=0, ddof=1), 2).tolist() == [0.83, 0.43, 1.76, 0.76]
    corr = [np.corrcoef(uci[:, j], y)[0, 1] for j in range(4)]
    assert np.round(corr, 4).tolist() == [0.7826, -0.4194, 0.9490, 0.9565]
    assert round(np.corrcoef(X[:, 1], y)[0, 1], 4) == -0.4267  # ours differs, as README says


def test_each_call_returns_fresh_arrays():
    X, y = load_iris()
    X[:] = 0
    y[:] = 7
    X2, y2 = load_iris()
    assert X2[0, 0] == 5.1 and y2[0] == 0


def test_xor_is_the_four_corners_and_their_xor():
    X, y = xor()
    assert X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]] and X.dtype == np.float64
    assert y.tolist() == [0, 1, 1, 0]
    assert np.array_equal(y, np.logical_xor(X[:, 0], X[:, 1]))


NO_NETWORK = textwrap.dedent("""
    import sys

    def forbid(event, args):
        if event.startswith(("socket.", "urllib.")):
            raise PermissionError(f"network access: {event}")

    sys.addaudithook(forbid)
    from course_lib.data import load_iris
    X, y = load_iris()
    print(X.shape, int(y.sum()))
    import socket
    try:
        socket.socket()
    except PermissionError:
        print("socket blocked")
""")


def test_loading_needs_no_network():
    out = subprocess.run([sys.executable, "-c", NO_NETWORK], capture_output=True, text=True,
                         check=True, cwd="/")
    # the data loaded, and the same process could not have opened a socket
    assert out.stdout.split("\n")[:2] == ["(150, 4) 150", "socket blocked"], out.stdout + out.stderr


def test_a_non_editable_install_ships_the_data(tmp_path):
    """pip install (not -e) of a copy of the project: the CSV must be in the package."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "course_lib", src / "course_lib",
                    ignore=shutil.ignore_patterns("__pycache__"))
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-compile",
                    "--target", str(target), str(src)], check=True, capture_output=True)
    code = "import course_lib.data as d; print(d.__file__); print(d.load_iris().X.shape)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=tmp_path, env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"})
    where, shape = out.stdout.split("\n")[:2]
    assert where.startswith(str(target)) and shape == "(150, 4)"


def test_split_is_seeded_disjoint_complete_and_stratified():
    X, y = load_iris()
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, seed=3)
    again = train_test_split(X, y, test_size=0.2, seed=3)
    for a, b in zip((X_tr, X_te, y_tr, y_te), again, strict=True):
        assert np.array_equal(a, b)
    other = train_test_split(X, y, test_size=0.2, seed=4)
    assert not np.array_equal(X_te, other[1])
    assert len(X_te) == 30 and len(X_tr) == 120
    assert np.bincount(y_te).tolist() == [10, 10, 10]  # 20 % of each class
    # every flower exactly once (the rows of Iris are not all distinct, so compare as multisets)
    rows = lambda A, b: sorted(map(tuple, np.column_stack([A, b]).tolist()))  # noqa: E731
    assert rows(np.vstack([X_tr, X_te]), np.concatenate([y_tr, y_te])) == rows(X, y)
    assert len(set(y_tr[:10].tolist())) > 1  # shuffled, not one class after another


def test_split_indices_are_disjoint_and_unstratified_split_works():
    idx = np.arange(100)
    labels = (idx % 4 == 0).astype(int)  # 25 % ones
    tr, te, ytr, yte = train_test_split(idx, labels, test_size=0.3, seed=0, stratify=False)
    assert len(te) == 30 and not set(tr) & set(te) and set(tr) | set(te) == set(idx)
    assert np.array_equal(labels[te], yte) and np.array_equal(labels[tr], ytr)


@pytest.mark.parametrize("kwargs, message", [({"test_size": 0}, "between 0 and 1"),
                                             ({"test_size": 30}, "between 0 and 1"),
                                             ({"test_size": 0.001}, "leaves one part empty")])
def test_split_rejects_bad_sizes(kwargs, message):
    X, y = load_iris()
    with pytest.raises(ValueError, match=message):
        train_test_split(X, y, **kwargs)
    with pytest.raises(ValueError, match="150 rows but y has 149"):
        train_test_split(X, y[1:])


def test_one_hot_and_standardize():
    assert one_hot(np.array([2, 0, 1])).tolist() == [[0, 0, 1], [1, 0, 0], [0, 1, 0]]
    assert one_hot(np.array([0]), num_classes=3).shape == (1, 3)
    with pytest.raises(ValueError, match="integer labels"):
        one_hot(np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match="0 .. 1"):
        one_hot(np.array([0, 2]), num_classes=2)
    X, _ = load_iris()
    Z = standardize(X)
    np.testing.assert_allclose(Z.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=0), 1)
    part = standardize(X[:10], like=X)
    np.testing.assert_allclose(part, Z[:10])
    with pytest.raises(ValueError, match="constant"):
        standardize(np.ones((3, 2)))
