"""SGD and the training loop on the Tensor engine, and the slides' training numbers."""

import math

import numpy as np
import pytest

from course_lib.data import load_iris, one_hot, standardize
from course_lib.engine import Tensor, Value
from course_lib.nn import SGD, Linear, MiniBatches, TensorMLP, cross_entropy, fit, \
    half_sse, mse

IBM_X = np.array([[4.9, 3.0, 1.4, 0.2]])  # the slides' IBM example: one Iris flower
IBM_T = np.array([[1.0, 0.0, 0.0]])


def iris_run(lr, *, seed=0, epochs=5, momentum=0.0, batch_size=16):
    X, y = load_iris()
    model = TensorMLP([4, 8, 3], seed=seed)
    opt = SGD(model.parameters(), lr=lr, momentum=momentum)
    batches = MiniBatches(standardize(X), y, batch_size, seed=seed)
    return model, fit(model, cross_entropy, opt, batches, epochs=epochs, progress=False)


# --- SGD --------------------------------------------------------------------------------------

def test_one_step_is_w_minus_lr_times_the_gradient_computed_by_hand():
    rng = np.random.default_rng(0)
    X, T = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    layer = Linear(3, 2, seed=1)
    W0, b0 = layer.W.data.copy(), layer.b.data.copy()
    opt = SGD(layer.parameters(), lr=0.3)
    loss = mse(layer(X), T)
    opt.zero_grad()
    loss.backward()
    opt.step()
    dO = 2 * (X @ W0 + b0 - T) / T.size  # d mean((o - t)^2) / do
    np.testing.assert_allclose(layer.W.data, W0 - 0.3 * X.T @ dO, rtol=1e-13)
    np.testing.assert_allclose(layer.b.data, b0 - 0.3 * dO.sum(axis=0), rtol=1e-13)


def test_float32_parameters_stay_float32_and_saved_arrays_keep_their_values():
    layer = Linear(3, 2, seed=0, dtype=np.float32)
    saved = layer.W.data
    before = saved.copy()
    opt = SGD(layer.parameters(), lr=0.1, momentum=0.9)
    for _ in range(2):
        opt.zero_grad()
        mse(layer(np.ones((4, 3), np.float32)), np.zeros((4, 2), np.float32)).backward()
        opt.step()
    assert layer.W.data.dtype == np.float32 and layer.b.data.dtype == np.float32
    assert np.array_equal(saved, before) and not np.array_equal(layer.W.data, before)


def test_momentum_follows_the_textbook_recurrence_on_a_quadratic():
    """f(w) = 1/2 w A w^T - b w^T; Goodfellow et al. 8.3.2: v <- alpha v - eps g, w <- w + v."""
    A = np.array([[3.0, 0.5], [0.5, 1.0]])
    b = np.array([[1.0, -2.0]])
    eps, alpha = 0.1, 0.8
    w = Tensor(np.array([[2.0, 2.0]]))
    opt = SGD([w], lr=eps, momentum=alpha)
    w_book, v = np.array([[2.0, 2.0]]), np.zeros((1, 2))
    for _ in range(150):
        opt.zero_grad()
        (0.5 * ((w @ A) * w).sum() - (w * b).sum()).backward()
        np.testing.assert_allclose(w.grad, w_book @ A - b, rtol=1e-12, atol=1e-14)
        opt.step()
        v = alpha * v - eps * (w_book @ A - b)
        w_book = w_book + v
        np.testing.assert_allclose(w.data, w_book, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(w.data, b @ np.linalg.inv(A), atol=1e-3)  # near the minimum


def test_step_without_a_gradient_is_refused_and_unreached_parameters_stay():
    used, unused = Tensor(np.ones(2)), Tensor(np.ones(2))
    opt = SGD([used, unused], lr=0.5)
    with pytest.raises(RuntimeError, match="call loss.backward"):
        opt.step()
    (used * 3.0).sum().backward()
    opt.step()
    assert used.data.tolist() == [-0.5, -0.5] and unused.data.tolist() == [1.0, 1.0]
    opt.zero_grad()
    assert used.grad is None
    for bad, message in [({"lr": -1}, "learning rate"), ({"lr": 0.1, "momentum": 1}, "momentum")]:
        with pytest.raises(ValueError, match=message):
            SGD([used], **bad)
    with pytest.raises(ValueError, match="no parameters"):
        SGD([], lr=0.1)


def test_sgd_steps_scalar_values_too():
    w, b = Value(0.6), Value(0.9)
    opt = SGD([w, b], lr=0.15, momentum=0.5)
    for _ in range(2):
        opt.zero_grad()
        assert w.grad == 0.0
        (w * 2.0 + b).backward()  # d/dw = 2, d/db = 1
        opt.step()
    assert w.data == pytest.approx(0.6 - 0.15 * 2 - 0.15 * (0.5 * 2 + 2))
    assert b.data == pytest.approx(0.9 - 0.15 * 1 - 0.15 * (0.5 * 1 + 1))


# --- fit --------------------------------------------------------------------------------------

def test_a_seeded_run_reproduces_its_losses_exactly():
    _, first = iris_run(0.1)
    _, again = iris_run(0.1)
    _, other = iris_run(0.1, seed=1)
    assert first.step_loss == again.step_loss and first.epoch_loss == again.epoch_loss
    assert first.step_loss != other.step_loss
    assert len(first.step_loss) == 5 * 10 and len(first.epoch_loss) == 5  # 150 / 16: 10 batches
    assert first.epoch_loss[-1] < first.epoch_loss[0]
    assert repr(first).startswith("History(5 epochs, 50 steps, last epoch loss")


def test_a_learning_rate_of_0_changes_nothing():
    X, y = load_iris()
    model = TensorMLP([4, 8, 3], seed=0)
    before = [p.data.copy() for p in model.parameters()]
    full = float(cross_entropy(model(standardize(X)), y).data)
    history = fit(model, cross_entropy, SGD(model.parameters(), lr=0.0, momentum=0.9),
                  MiniBatches(standardize(X), y, 16, seed=0), epochs=3, progress=False)
    assert all(np.array_equal(p.data, q) for p, q in zip(model.parameters(), before, strict=True))
    # each epoch loss, a batch-size-weighted mean over the batches, is then the full-data loss
    np.testing.assert_allclose(history.epoch_loss, [full] * 3, rtol=1e-13)
    assert len(set(history.step_loss[:10])) > 1  # the batches themselves differ


def test_the_epoch_loss_is_measured_during_the_epoch_not_before_it():
    X, y = load_iris()
    model = TensorMLP([4, 8, 3], seed=0)
    before = float(cross_entropy(model(standardize(X)), y).data)
    history = fit(model, cross_entropy, SGD(model.parameters(), lr=0.5),
                  MiniBatches(standardize(X), y, 10, seed=0), progress=False)
    assert history.step_loss[0] != history.epoch_loss[0]
    assert history.epoch_loss[0] < before  # the slides' "epoch 0" losses were taken so


@pytest.mark.filterwarnings("error")
def test_a_diverging_run_stops_and_says_so_without_warnings(capfd):
    X, y = load_iris()
    layer = Linear(4, 3, seed=0)
    history = fit(layer, half_sse, SGD(layer.parameters(), lr=1.0),
                  MiniBatches(X, one_hot(y), 150), epochs=500, progress=False)
    assert history.diverged and not math.isfinite(history.step_loss[-1])
    assert len(history.epoch_loss) < 500 and not math.isfinite(history.epoch_loss[-1])
    assert "diverged at step" in repr(history)
    assert capfd.readouterr().err == ""


def test_fit_refuses_an_epoch_without_batches():
    layer = Linear(4, 3, seed=0)
    with pytest.raises(ValueError, match="no mini-batch in an epoch"):
        fit(layer, mse, SGD(layer.parameters(), lr=0.1),
            MiniBatches(IBM_X, IBM_T, 2, drop_last=True), progress=False)


def test_fit_refuses_a_loss_that_is_not_one_number():
    layer = Linear(4, 3, seed=0)
    per_example = lambda out, t: ((out - t) ** 2).sum(axis=1)  # noqa: E731
    with pytest.raises(ValueError, match=r"one number \(shape \(\)\)"):
        fit(layer, per_example, SGD(layer.parameters(), lr=0.1),
            MiniBatches(IBM_X, IBM_T, 1), progress=False)


# --- the slides' numbers ----------------------------------------------------------------------

def ibm_step(lr, steps=1):
    """The IBM example: o = x W, W = ones (4, 3), no bias, E = 1/2 sum (t - o)^2."""
    W = Tensor(np.ones((4, 3)))
    history = fit(lambda X: X @ W, half_sse, SGD([W], lr=lr), MiniBatches(IBM_X, IBM_T, 1),
                  epochs=steps, progress=False)
    return (IBM_X @ W.data)[0], history


@pytest.mark.parametrize("lr", [0.001, 0.01, 0.02856, 0.05, 0.06])
def test_ibm_one_step_scales_the_error_by_1_minus_35_01_lr(lr):
    o, history = ibm_step(lr)
    assert history.step_loss == [pytest.approx(126.375)]  # 1/2 sum (t - o)^2 at o = 9.5
    assert (IBM_X ** 2).sum() == pytest.approx(35.01)
    np.testing.assert_allclose(o - IBM_T[0], (1 - 35.01 * lr) * (9.5 - IBM_T[0]), rtol=1e-12)


def test_ibm_learning_rates_that_solve_overshoot_and_diverge():
    assert 2 / 35.01 == pytest.approx(0.0571, abs=5e-5)  # converges for lr below 2 / |x|^2
    o, _ = ibm_step(0.02856)  # ~ 1 / 35.01: one step lands on the target
    assert 0.5 * ((IBM_T[0] - o) ** 2).sum() < 1e-5
    o, _ = ibm_step(0.06)
    assert 0.5 * ((IBM_T[0] - o) ** 2).sum() == pytest.approx(153.08, abs=5e-3)
    o, _ = ibm_step(0.01)
    assert 0.5 * ((IBM_T[0] - o) ** 2).sum() == pytest.approx(53.377, abs=5e-4)
    _, below = ibm_step(0.0570, steps=200)
    _, above = ibm_step(0.0573, steps=200)
    assert below.step_loss[-1] < 126.375 < above.step_loss[-1]


def sigmoid_neuron(w, b):
    """Nielsen's neuron: a = sigmoid(w x + b) on the input x = 1, target 0."""
    w, b = Tensor(np.array([[w]])), Tensor(np.array([b]))
    return (lambda X: (X @ w + b).sigmoid()), w, b


def quadratic(a, t):
    return half_sse(a, t)


def binary_cross_entropy(a, t):
    return -(t * a.log() + (1 - t) * (1 - a).log()).sum()


@pytest.mark.parametrize("start, loss, dC_dw, a_after", [
    ((0.6, 0.9), quadratic, 0.1219, 0.094),
    ((0.6, 0.9), binary_cross_entropy, 0.8176, 0.012),
    ((2.0, 2.0), quadratic, 0.01734, 0.203),  # SLIDE-FACTS rounds this gradient to 0.0174
    ((2.0, 2.0), binary_cross_entropy, 0.9820, 0.012),
])
def test_nielsens_neuron_learns_slowly_with_the_quadratic_cost(start, loss, dC_dw, a_after):
    X, T = np.ones((1, 1)), np.zeros((1, 1))
    neuron, w, b = sigmoid_neuron(*start)
    loss(neuron(X), T).backward()
    assert w.grad[0, 0] == pytest.approx(dC_dw, abs=5e-5)
    assert b.grad[0] == w.grad[0, 0]  # x = 1
    neuron, w, b = sigmoid_neuron(*start)
    history = fit(neuron, loss, SGD([w, b], lr=0.15), MiniBatches(X, T, 1), epochs=300,
                  progress=False)
    assert len(history.epoch_loss) == 300 and history.step_loss == history.epoch_loss
    assert neuron(X).data[0, 0] == pytest.approx(a_after, abs=5e-4)


def test_softmax_cross_entropy_on_the_ibm_example():
    o = Tensor(IBM_X @ np.ones((4, 3)))  # 9.5 each
    loss = cross_entropy(o, IBM_T)
    loss.backward()
    np.testing.assert_allclose(np.exp(o.log_softmax().data), [[1 / 3] * 3], rtol=1e-15)
    assert float(loss.data) == pytest.approx(math.log(3), rel=1e-15)
    assert round(float(loss.data), 4) == 1.0986
    np.testing.assert_allclose(o.grad, [[-2 / 3, 1 / 3, 1 / 3]], rtol=1e-14)


def test_tillys_delta_rule_needs_e_without_the_half():
    # Delta w = -(lr / 2) dE/dw is the delta rule lr sum_p (t^p - y^p) q^p only for the un-halved
    # E = sum_p (t^p - y^p)^2; with half_sse (the 1/2 in E) the same recipe gives half the step
    Q, t, w, lr = np.array([[1.0, 2.0], [1.0, -1.0], [1.0, 0.0]]), np.array([1.0, 2.0, 0.0]), \
        np.array([0.5, -0.5]), 0.1
    delta_rule = lr * Q.T @ (t - Q @ w)
    for loss, factor in ((lambda o, tt: ((o - tt) ** 2).sum(), 1.0), (half_sse, 0.5)):
        W = Tensor(w[:, None].copy())
        loss(Tensor(Q, requires_grad=False) @ W, t[:, None]).backward()
        np.testing.assert_allclose(-(lr / 2) * W.grad[:, 0], factor * delta_rule, rtol=1e-14)
    # and one SGD step on half_sse over the batch is exactly one batch delta-rule update
    W = Tensor(w[:, None].copy())
    fit(lambda X: X @ W, half_sse, SGD([W], lr=lr), MiniBatches(Q, t[:, None], 3, shuffle=False),
        progress=False)
    np.testing.assert_allclose(W.data[:, 0], w + delta_rule, rtol=1e-14)


def test_brunschiers_epoch_0_losses_cannot_both_be_the_loss_before_training():
    # with sigmoid outputs and one-hot targets, one flower's 1/2 ||t - o||^2 stays below 3/2:
    # 6.687 is a sum over at least 5 flowers, 0.460 can be a mean; from one start, before any
    # update, both runs' losses are one and the same number whatever the learning rate
    X, y = load_iris()
    T, X = one_hot(y, 3), standardize(X)
    worst = Tensor(np.array([[-50.0, 50.0, 50.0]])).sigmoid()  # as wrong as it gets
    assert half_sse(worst, T[:1]).item() == pytest.approx(1.5) and 6.687 / 1.5 > 4
    before = []
    for lr in (0.01, 1.0):
        net = TensorMLP([4, 8, 3], seed=0)
        history = fit(lambda B: net(B).sigmoid(), half_sse, SGD(net.parameters(), lr=lr),
                      MiniBatches(X, T, 150, shuffle=False), progress=False)
        before.append(history.step_loss[0])
    assert before[0] == before[1] and before[0] / 150 < 1.5
