"""The course's networks in Keras, and the means to compare them with course_lib.

Weights travel as a list of ``(W, b)`` pairs, one per layer, ``W: (in, out)``,
``b: (out,)``: the row convention of the course (``out = x @ W + b``), which
is also the shape of a Keras ``Dense`` kernel, so nothing is transposed.
The arrays may be ``course_lib.engine.Tensor``s, and a network of
``course_lib.nn`` layers (``TensorMLP``: ``.layers``, each with ``.W`` and
``.b``) may stand for the whole list.

Every function imports Keras through ``setup_keras()`` when it is called:
importing this module loads neither keras nor jax.
"""

import numpy as np

from course_lib.frameworks.keras_env import setup_keras

__all__ = [
    "IBM_INPUT",
    "IBM_TARGET",
    "dense_network",
    "from_keras",
    "ibm_example",
    "ibm_network",
    "jaxpr",
    "keras_twin",
    "load_weights",
    "loss_and_gradients",
    "summary_text",
    "to_keras",
]

# The IBM slides' worked example: one input, its label, and a 4x3 layer of ones.
IBM_INPUT = np.array([[4.9, 3.0, 1.4, 0.2]])  # (1, 4)
IBM_TARGET = np.array([[1.0, 0.0, 0.0]])  # (1, 3)


def dense_network(sizes, activation="tanh", weights=None, name=None):
    """A Keras ``Sequential`` of Dense layers: ``sizes[0]`` inputs, then one layer per size.

    Hidden layers use ``activation``; the last layer has none (it returns
    logits, or the outputs of a regression).  ``weights``: ``(W, b)`` pairs
    as ``to_keras`` takes them, else Keras' own (seeded by
    ``keras.utils.set_random_seed``) initialisation.
    """
    keras = setup_keras()
    layers = [keras.Input((sizes[0],))]
    for k, size in enumerate(sizes[1:], start=1):
        last = k == len(sizes) - 1
        layers.append(keras.layers.Dense(size, activation=None if last else activation,
                                         name=f"dense_{k}"))
    model = keras.Sequential(layers, name=name)
    if weights is not None:
        model.set_weights(to_keras(weights))
    return model


def ibm_network():
    """The IBM slides' network: 4 inputs, Dense(3), Dense(2), linear: 23 parameters."""
    return dense_network((4, 3, 2), activation=None, name="ibm")


def ibm_example():
    """The IBM slides' worked example as a Keras model: one Dense(3) layer on 4 inputs,
    kernel of ones, zero bias.  Returns ``(model, x, t)`` with ``x: (1, 4)``, ``t: (1, 3)``;
    the model's output is 9.5 for each of the three units."""
    weights = [(np.ones((4, 3)), np.zeros(3))]
    return dense_network((4, 3), weights=weights, name="ibm_example"), IBM_INPUT, IBM_TARGET


def keras_twin(net):
    """A Keras model of the course's network ``net`` (a ``TensorMLP``): the same
    layer sizes, hidden activation and weights (copied)."""
    sizes = [net.layers[0].W.shape[0]] + [layer.W.shape[1] for layer in net.layers]
    return dense_network(sizes, activation=net.act, weights=net)


def to_keras(weights):
    """``[(W, b), ...]`` or a ``TensorMLP`` -> the flat list ``model.set_weights`` takes:
    ``[W1, b1, W2, b2, ...]`` (NumPy arrays)."""
    return [np.asarray(array) for pair in _pairs(weights) for array in pair]


def from_keras(model):
    """A Keras model's weights as ``[(W, b), ...]`` (NumPy arrays, ``W: (in, out)``)."""
    # the same as model.get_weights(), without its NumPy 2 DeprecationWarning
    flat = [np.asarray(v.value) for v in model.weights]
    return list(zip(flat[0::2], flat[1::2]))


def load_weights(net, weights):
    """Copy ``[(W, b), ...]`` (``from_keras(model)``, say) into the layers of ``net``
    (a ``TensorMLP``), keeping its dtype.  Returns ``net``."""
    pairs = _pairs(weights)
    if len(pairs) != len(net.layers):
        raise ValueError(f"{len(pairs)} (W, b) pairs for a network of {len(net.layers)} layers")
    for layer, (W, b) in zip(net.layers, pairs):
        for tensor, value in ((layer.W, W), (layer.b, b)):
            value = np.asarray(value)
            if value.shape != tensor.shape:
                raise ValueError(f"a weight of shape {value.shape} for one of shape "
                                 f"{tensor.shape}")
            tensor.data = value.astype(tensor.dtype)  # a copy
    return net


def _pairs(weights):
    if hasattr(weights, "layers"):
        return [(layer.W, layer.b) for layer in weights.layers]
    return list(weights)


def summary_text(model):
    """What ``model.summary()`` prints, as a string (nothing is printed)."""
    from IPython.utils.capture import capture_output

    parts = []
    # In a notebook, rich (which Keras prints with) still shows an empty
    # output when its capture ends: swallow it.
    with capture_output():
        model.summary(print_fn=lambda text, **kwargs: parts.append(text))
    return "".join(parts)


def loss_and_gradients(model, loss, x, t):
    """The loss of ``model`` on ``(x, t)`` and its gradients with respect to the
    trainable weights, taken by ``jax.value_and_grad`` through
    ``model.stateless_call`` (a pure function of the weights: nothing is updated).

    ``loss``: a Keras loss, called as ``loss(t, outputs)``.  Returns
    ``(loss_value, outputs, grads)``: grads in the order of
    ``model.trainable_variables`` (``[W1, b1, ...]``), as NumPy arrays.
    """
    import jax

    trainable, fixed = _values(model)

    def loss_of(trainable, x, t):
        outputs, _ = model.stateless_call(trainable, fixed, x)
        return loss(t, outputs), outputs

    (value, outputs), grads = jax.value_and_grad(loss_of, has_aux=True)(trainable, x, t)
    return float(value), np.asarray(outputs), [np.asarray(g) for g in grads]


def jaxpr(model, x):
    """The jaxpr (JAX's computational graph) of ``model``'s forward pass on inputs
    shaped like ``x``, traced through ``model.stateless_call``."""
    import jax

    trainable, fixed = _values(model)

    def forward(trainable, x):
        return model.stateless_call(trainable, fixed, x)[0]

    return jax.make_jaxpr(forward)(trainable, x)


def _values(model):
    """The arrays of a model's trainable and non-trainable variables (stateless_call's inputs)."""
    return ([v.value for v in model.trainable_variables],
            [v.value for v in model.non_trainable_variables])
