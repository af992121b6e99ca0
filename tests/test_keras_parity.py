"""Keras does exactly what the course builds by hand: the numbers of notebook 07.

The IBM slides' network and worked example in Keras, and a float64 SGD parity
test: the same classifier trained by Keras, by course_lib's Tensor engine and
by a hand-written NumPy reference agrees to 1e-12 in loss history and
weights, and each setting that must match breaks that agreement when it is
changed.
"""

import numpy as np
import pytest

from course_lib.frameworks import (
    IBM_INPUT,
    IBM_TARGET,
    dense_network,
    from_keras,
    ibm_example,
    ibm_network,
    jaxpr,
    keras_twin,
    load_weights,
    loss_and_gradients,
    setup_keras,
    summary_text,
)
from course_lib.nn import TensorMLP, cross_entropy, mse

TOL = 1e-12  # what "the same numbers" means here (float64 rounding is ~1e-16)
BROKEN = 1e-9  # a setting that differs moves the numbers by more than this
STEPS = 50


@pytest.fixture(scope="module")
def keras():
    return setup_keras()


# -- the IBM slides ---------------------------------------------------------------

def test_ibm_network_has_23_parameters_as_its_summary_says(keras):
    model = ibm_network()
    text = summary_text(model)
    assert "Total params: 23 " in text and "Trainable params: 23 " in text
    assert model.count_params() == 23 == (4 * 3 + 3) + (3 * 2 + 2)
    # Keras' kernel is (in, out): out = x @ W + b, the row convention of notebook 02
    assert [tuple(w.shape) for w in model.weights] == [(4, 3), (3,), (3, 2), (2,)]


def test_ibm_example_mse_is_the_mean_of_the_squared_errors(keras):
    model, x, t = ibm_example()
    o = np.asarray(model(x))
    assert np.array_equal(o, [[9.5, 9.5, 9.5]])
    keras_mse = float(keras.losses.MeanSquaredError()(t, o))
    assert keras_mse == 84.25 == np.mean((t - o) ** 2)
    # not the slides' E = sum of 1/2 (t - o)^2
    assert keras_mse != 0.5 * np.sum((t - o) ** 2) == 126.375


def test_ibm_example_gradients_through_stateless_call(keras):
    import jax

    model, x, t = ibm_example()
    keras_mse = keras.losses.MeanSquaredError()
    loss, o, (dW, db) = loss_and_gradients(model, keras_mse, x, t)
    g = 2 / 3 * (o - t)[0]  # d mse / d o
    np.testing.assert_allclose(g, [17 / 3, 19 / 3, 19 / 3], rtol=1e-15)
    # the loss' own gradient with respect to the outputs, by jax.grad
    np.testing.assert_allclose(jax.grad(lambda o: keras_mse(t, o))(o)[0], g, rtol=1e-15)
    # one example: the bias gets exactly d mse / d o, the kernel the outer product x g
    assert loss == 84.25
    np.testing.assert_allclose(db, g, rtol=1e-15)
    np.testing.assert_allclose(dW, np.outer(x[0], g), rtol=1e-15)
    assert dW.shape == (4, 3)
    # stateless: nothing was updated
    assert np.array_equal(from_keras(model)[0][0], np.ones((4, 3)))


def test_ibm_example_in_keras_and_in_the_tensor_engine(keras):
    model, x, t = ibm_example()
    loss, o, (dW, db) = loss_and_gradients(model, keras.losses.MeanSquaredError(), x, t)
    net = load_weights(TensorMLP([4, 3]), from_keras(model))
    value = mse(net(x), t)
    value.backward()
    assert value.item() == loss == 84.25
    np.testing.assert_allclose(net.layers[0].b.grad, db, rtol=1e-15)
    np.testing.assert_allclose(net.layers[0].W.grad, dW, rtol=1e-15)


def test_keras_twin_of_a_tensor_mlp_computes_the_same(keras):
    net = TensorMLP([4, 8, 3], act="tanh", seed=3)
    x = np.random.default_rng(4).normal(size=(5, 4))
    np.testing.assert_allclose(np.asarray(keras_twin(net)(x)), net(x).data, rtol=1e-14)
    with pytest.raises(ValueError, match=r"3 \(W, b\) pairs for a network of 2 layers"):
        load_weights(net, [(np.ones((4, 8)), np.zeros(8))] * 3)


def test_one_keras_sgd_step_on_the_ibm_example(keras):
    model, x, t = ibm_example()
    model.compile(optimizer=keras.optimizers.SGD(), loss="mse")
    history = model.fit(x, t, epochs=1, shuffle=False, verbose=0)
    assert history.history["loss"] == [84.25]  # the loss before the update
    # W -= lr x^T g and b -= lr g, so o - t shrinks by 1 - lr (2/3) (|x|^2 + 1), lr = 0.01
    factor = 1 - 0.01 * 2 / 3 * (np.sum(IBM_INPUT ** 2) + 1)
    np.testing.assert_allclose(np.asarray(model(x)) - t, factor * (9.5 - IBM_TARGET),
                               rtol=1e-14)


def test_jaxpr_of_a_keras_model_is_its_forward_graph(keras):
    closed = jaxpr(dense_network((4, 8, 3), weights=initial_weights()), IBM_INPUT)
    ops = [eqn.primitive.name for eqn in closed.jaxpr.eqns]
    assert ops == ["dot_general", "broadcast_in_dim", "add", "tanh",
                   "dot_general", "broadcast_in_dim", "add"]
    # inputs: the weights [W1, b1, W2, b2], then x
    assert [(v.aval.shape, v.aval.dtype) for v in closed.jaxpr.invars] == [
        ((4, 8), "float64"), ((8,), "float64"), ((8, 3), "float64"), ((3,), "float64"),
        ((1, 4), "float64")]
    # the text depends on shapes and operations only, not on names or values
    other = dense_network((4, 8, 3), name="other")
    assert str(jaxpr(other, IBM_INPUT)) == str(closed)


# -- SGD parity: Keras, the Tensor engine and a float64 NumPy reference ----------

def iris_like(seed=0):
    """150 examples, 4 features, 3 classes of 50, near Iris' class means; one-hot targets."""
    rng = np.random.default_rng(seed)
    means = np.array([[5.0, 3.4, 1.5, 0.2], [5.9, 2.8, 4.3, 1.3], [6.6, 3.0, 5.6, 2.0]])
    labels = np.repeat(np.arange(3), 50)
    return means[labels] + rng.normal(scale=0.4, size=(150, 4)), np.eye(3)[labels]


def initial_weights(seed=1):
    """A 4-8-3 network's weights as [(W, b), ...]."""
    rng = np.random.default_rng(seed)
    return [(rng.normal(scale=0.5, size=(4, 8)), np.zeros(8)),
            (rng.normal(scale=0.5, size=(8, 3)), np.zeros(3))]


def numpy_sgd(weights, X, Y, epochs, loss="cross_entropy", lr=0.01, batch_size=None,
              reduction="mean"):
    """The reference: a tanh hidden layer, SGD by hand.  Returns (history, weights).

    history[k] is the mean of the batch losses of epoch k, each taken before
    its update (what Keras records).  reduction: the batch loss (and its
    gradient) is the "mean" or the "sum" over the batch's examples.
    """
    (W1, b1), (W2, b2) = [(W.copy(), b.copy()) for W, b in weights]
    batch_size = batch_size or len(X)
    history = []
    for _ in range(epochs):
        losses = []
        for start in range(0, len(X), batch_size):
            x, t = X[start:start + batch_size], Y[start:start + batch_size]
            h = np.tanh(x @ W1 + b1)
            z = h @ W2 + b2  # (n, 3)
            if loss == "cross_entropy":  # softmax cross-entropy from the logits z
                shifted = z - z.max(axis=1, keepdims=True)
                log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
                per_example, dz = -(t * log_p).sum(axis=1), np.exp(log_p) - t
            else:  # mse: the mean over the outputs
                per_example, dz = ((z - t) ** 2).mean(axis=1), 2 * (z - t) / z.shape[1]
            losses.append(per_example.mean())
            if reduction == "mean":
                dz = dz / len(x)
            da = (dz @ W2.T) * (1 - h ** 2)
            W2 -= lr * (h.T @ dz)
            b2 -= lr * dz.sum(axis=0)
            W1 -= lr * (x.T @ da)
            b1 -= lr * da.sum(axis=0)
        history.append(np.mean(losses))
    return np.array(history), [(W1, b1), (W2, b2)]


def keras_sgd(keras, weights, X, Y, epochs, loss="cross_entropy", batch_size=None,
              shuffle=False, from_logits=True, optimizer=None):
    """The same training in Keras.  Returns (history, weights)."""
    model = dense_network((4, 8, 3), activation="tanh", weights=weights)
    if loss == "cross_entropy":
        loss = keras.losses.CategoricalCrossentropy(from_logits=from_logits)
    model.compile(optimizer=optimizer or keras.optimizers.SGD(), loss=loss)
    history = model.fit(X, Y, batch_size=batch_size or len(X), epochs=epochs,
                        shuffle=shuffle, verbose=0)
    return np.array(history.history["loss"]), from_keras(model)


def tensor_sgd(weights, X, Y, epochs, loss="cross_entropy", lr=0.01):
    """The same training with course_lib's Tensor engine: full batch, SGD written out."""
    net = load_weights(TensorMLP([4, 8, 3], act="tanh"), weights)
    loss_of = cross_entropy if loss == "cross_entropy" else mse
    history = []
    for _ in range(epochs):
        value = loss_of(net(X), Y)
        history.append(value.item())
        net.zero_grad()
        value.backward()
        for p in net.parameters():
            p.data -= lr * p.grad
    return np.array(history), [(layer.W.data, layer.b.data) for layer in net.layers]


def difference(run_a, run_b):
    """(max |loss difference| over the history, max |weight difference|)."""
    (history_a, weights_a), (history_b, weights_b) = run_a, run_b
    assert history_a.shape == history_b.shape
    weights = max(np.abs(a - b).max()
                  for pair_a, pair_b in zip(weights_a, weights_b)
                  for a, b in zip(pair_a, pair_b))
    return np.abs(history_a - history_b).max(), weights


@pytest.fixture(scope="module")
def data():
    return iris_like()


@pytest.fixture(scope="module")
def reference(data):
    return numpy_sgd(initial_weights(), *data, STEPS)


@pytest.fixture(scope="module")
def keras_run(keras, data):
    return keras_sgd(keras, initial_weights(), *data, STEPS)


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_keras_the_tensor_engine_and_numpy_train_the_same_to_1e_12(keras, data, loss,
                                                                   reference, keras_run):
    if loss == "cross_entropy":  # the shared runs
        numpy_run, keras_run_ = reference, keras_run
    else:
        numpy_run = numpy_sgd(initial_weights(), *data, STEPS, loss=loss)
        keras_run_ = keras_sgd(keras, initial_weights(), *data, STEPS, loss=loss)
    tensor_run = tensor_sgd(initial_weights(), *data, STEPS, loss=loss)
    history = keras_run_[0]
    assert len(history) == STEPS and history[-1] < 0.9 * history[0]  # it learns
    assert max(difference(tensor_run, keras_run_)) <= TOL
    assert max(difference(numpy_run, keras_run_)) <= TOL


def test_fixed_minibatches_equal_the_reference(keras, data):
    # shuffle=False: batches are rows 0-49, 50-99, 100-149 in every epoch (3 steps an epoch)
    reference = numpy_sgd(initial_weights(), *data, 20, batch_size=50)
    assert max(difference(reference, keras_sgd(keras, initial_weights(), *data, 20,
                                                 batch_size=50))) <= TOL


# -- each setting that had to match, changed ------------------------------------------

def test_keras_default_learning_rate_is_0_01(keras, data, keras_run):
    assert float(keras.optimizers.SGD().learning_rate) == 0.01
    assert min(difference(numpy_sgd(initial_weights(), *data, STEPS, lr=0.1),
                          keras_run)) > BROKEN


def test_history_loss_k_is_the_loss_before_update_k(reference, keras_run):
    history = keras_run[0]
    np.testing.assert_allclose(history, reference[0], rtol=0, atol=TOL)
    # the losses after each update are the reference's, one step later
    assert np.abs(history[:-1] - reference[0][1:]).max() > BROKEN


def test_the_batch_loss_is_a_mean_not_a_sum(data, keras_run):
    n = len(data[0])
    summed = numpy_sgd(initial_weights(), *data, STEPS, reduction="sum")
    assert difference(summed, keras_run)[1] > BROKEN
    # summing is averaging with an n times larger learning rate
    rescaled = numpy_sgd(initial_weights(), *data, STEPS, reduction="sum", lr=0.01 / n)
    assert difference(rescaled, keras_run)[1] <= TOL


def test_from_logits_false_takes_the_logits_for_probabilities(keras, data, reference):
    run = keras_sgd(keras, initial_weights(), *data, STEPS, from_logits=False)
    assert min(difference(reference, run)) > BROKEN


def test_momentum_must_be_0(keras, data, reference):
    run = keras_sgd(keras, initial_weights(), *data, STEPS,
                    optimizer=keras.optimizers.SGD(momentum=0.9))
    assert min(difference(reference, run)) > BROKEN


def test_shuffling_matters_with_minibatches_only(keras, data):
    reference = numpy_sgd(initial_weights(), *data, 20, batch_size=50)
    shuffled = keras_sgd(keras, initial_weights(), *data, 20, batch_size=50, shuffle=True)
    assert min(difference(reference, shuffled)) > BROKEN
    # one full batch: the order only changes the rounding of the sums
    full = keras_sgd(keras, initial_weights(), *data, STEPS, shuffle=True)
    assert max(difference(numpy_sgd(initial_weights(), *data, STEPS), full)) <= TOL


def test_float32_agrees_to_about_1e_7_only(keras, data, reference):
    setup_keras("float32")
    try:
        run = keras_sgd(keras, initial_weights(), *data, STEPS)
    finally:
        setup_keras("float64")
    assert 1e-9 < difference(reference, run)[0] < 1e-5


def test_an_optimizer_made_before_float64_keeps_a_float32_learning_rate(keras, data,
                                                                          reference):
    setup_keras("float32")
    optimizer = keras.optimizers.SGD()
    setup_keras("float64")
    assert optimizer.learning_rate.dtype == "float32"  # 0.01 is 0.0099999998 in float32
    run = keras_sgd(keras, initial_weights(), *data, STEPS, optimizer=optimizer)
    assert min(difference(reference, run)) > BROKEN


def test_float64_stays_float64_in_keras_ops(keras):
    """setup_keras' workaround works (see also test_keras_env.py's canary)."""
    rng = np.random.default_rng(2)
    x, t = rng.normal(size=(7, 3)), rng.normal(size=(7, 3))
    assert keras.ops.mean(x).dtype == keras.ops.tanh(x).dtype == "float64"
    assert abs(float(keras.ops.mean(x)) - x.mean()) <= 1e-16
    np.testing.assert_allclose(keras.ops.tanh(x), np.tanh(x), rtol=1e-15)
    keras_mse = float(keras.losses.MeanSquaredError()(t, x))
    assert abs(keras_mse - np.mean((t - x) ** 2)) <= 1e-15


def test_parity_needs_the_float64_workaround(keras, data, reference, monkeypatch):
    """Fails when keras no longer computes float64 in float32 on JAX (keras#23223
    fixed): then delete _keep_float64 in course_lib/frameworks/keras_env.py."""
    from keras.src.backend.common import dtypes

    monkeypatch.setitem(dtypes.BIT64_TO_BIT32_DTYPE, "float64", "float32")  # undo it
    assert dtypes.result_type("float64", "float64") == "float32"
    run = keras_sgd(keras, initial_weights(), *data, STEPS)
    assert 1e-9 < difference(reference, run)[0] < 1e-5  # float32 rounding inside
