"""MiniBatches: every example once per epoch, in a seeded order, partial batches handled."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from course_lib.nn.batches import MiniBatches


def epoch_indices(batches):
    return [xb[:, 0].astype(int).tolist() for xb, _ in batches]


def data(n):
    X = np.column_stack([np.arange(n), np.arange(n) * 10.0])  # column 0: the example's index
    return X, np.arange(n) % 3


@given(n=st.integers(1, 60), batch_size=st.integers(1, 70), drop_last=st.booleans(),
       seed=st.integers(0, 2**32 - 1))
def test_each_epoch_uses_every_example_once_in_batches_of_the_given_size(n, batch_size, drop_last,
                                                                         seed):
    X, y = data(n)
    batches = MiniBatches(X, y, batch_size, seed=seed, drop_last=drop_last)
    for _ in range(2):
        epoch = list(batches)
        assert len(epoch) == len(batches)
        sizes = [len(xb) for xb, _ in epoch]
        seen = [i for xb, yb in epoch for i in xb[:, 0].astype(int)]
        for xb, yb in epoch:  # inputs and targets stay paired
            assert np.array_equal(yb, xb[:, 0].astype(int) % 3)
            assert np.array_equal(xb[:, 1], xb[:, 0] * 10)
        assert len(seen) == len(set(seen))
        if drop_last:
            assert sizes == [batch_size] * (n // batch_size)
            assert len(seen) == n - n % batch_size
        else:
            assert sorted(seen) == list(range(n))
            assert sizes[:-1] == [batch_size] * (len(sizes) - 1)
            assert sizes[-1] == (n % batch_size or min(batch_size, n))


def test_the_last_partial_batch_is_kept_by_default_and_dropped_on_request():
    X, y = data(10)
    assert [len(xb) for xb, _ in MiniBatches(X, y, 4)] == [4, 4, 2]
    assert [len(xb) for xb, _ in MiniBatches(X, y, 4, drop_last=True)] == [4, 4]
    assert len(MiniBatches(X, y, 4)) == 3 and len(MiniBatches(X, y, 4, drop_last=True)) == 2
    assert [len(xb) for xb, _ in MiniBatches(X, y, 50)] == [10]  # full batch


def test_the_order_is_seeded_new_each_epoch_and_independent_of_global_randomness():
    X, y = data(30)
    first = MiniBatches(X, y, 7, seed=5)
    runs = [epoch_indices(first) for _ in range(3)]
    np.random.seed(123)  # the legacy global generator must not matter
    again = MiniBatches(X, y, 7, seed=5)
    assert [epoch_indices(again) for _ in range(3)] == runs
    assert runs[0] != runs[1]  # reshuffled every epoch
    assert epoch_indices(MiniBatches(X, y, 7, seed=6)) != runs[0]
    flat = [i for batch in runs[0] for i in batch]
    assert flat != sorted(flat)


def test_shuffle_false_keeps_the_order_of_the_data():
    X, y = data(7)
    fixed = MiniBatches(X, y, 3, shuffle=False)
    assert epoch_indices(fixed) == epoch_indices(fixed) == [[0, 1, 2], [3, 4, 5], [6]]


@pytest.mark.parametrize("size", [0, -1, 2.5])
def test_bad_batch_sizes_and_mismatched_data_are_refused(size):
    X, y = data(5)
    with pytest.raises(ValueError, match="batch_size must be a whole number"):
        MiniBatches(X, y, size)
    with pytest.raises(ValueError, match="5 rows but y has 4"):
        MiniBatches(X, y[:4], 2)
