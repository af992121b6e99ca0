"""Backward and tangent rules of the define-and-run ops, against central differences."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from course_lib.check import grad_check
from course_lib.engine.rules import BACKWARD, FORWARD, TANGENT

ARITY = {"add": 2, "mul": 2, "relu": 1, "sigmoid": 1}
away_from_kink = st.floats(-4, 4, allow_nan=False).filter(lambda v: abs(v) > 1e-3)


@pytest.mark.parametrize("op", sorted(FORWARD))
@given(data=st.data())
def test_backward_and_tangent_rules_match_central_differences(op, data):
    xs = [data.draw(arrays(np.float64, 3, elements=away_from_kink)) for _ in range(ARITY[op])]
    dout = data.draw(arrays(np.float64, 3, elements=st.floats(-2, 2)))

    def loss(*args):  # a scalar whose gradient is dout * d(out)/d(x)
        return np.sum(dout * FORWARD[op](*args))

    grads = BACKWARD[op](dout, *xs)
    assert len(grads) == ARITY[op]
    grad_check(loss, xs, grads, names=[f"x{i}" for i in range(ARITY[op])], tol=1e-6, atol=1e-9)

    # forward mode: the tangent is the directional derivative along dxs
    dxs = [data.draw(arrays(np.float64, 3, elements=st.floats(-2, 2))) for _ in xs]
    h = 1e-6
    plus = FORWARD[op](*[x + h * d for x, d in zip(xs, dxs)])
    minus = FORWARD[op](*[x - h * d for x, d in zip(xs, dxs)])
    np.testing.assert_allclose(TANGENT[op](xs, dxs), (plus - minus) / (2 * h),
                               rtol=1e-5, atol=1e-7)


def test_the_tables_agree():
    assert set(FORWARD) == set(BACKWARD) == set(TANGENT)
