"""The course's networks in other frameworks (notebook 07: Keras 3 on JAX).

    setup_keras()                Keras on JAX, CPU, float64; call it before any `import keras`
    dense_network, ibm_network   Keras models of the course's networks
    keras_twin                   the Keras model of a TensorMLP, with its weights
    to_keras, from_keras         weights as [(W, b), ...] <-> model.set_weights / get_weights
    load_weights                 [(W, b), ...] into a TensorMLP
    loss_and_gradients, jaxpr    jax.grad and jax.make_jaxpr through model.stateless_call

Importing this package loads neither keras nor jax: they load when called.
"""

from course_lib.frameworks.keras_env import JAX_CACHE, KERAS_HOME, KerasSetupError, setup_keras
from course_lib.frameworks.keras_nets import (
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
    summary_text,
    to_keras,
)

__all__ = [
    "IBM_INPUT",
    "IBM_TARGET",
    "JAX_CACHE",
    "KERAS_HOME",
    "KerasSetupError",
    "dense_network",
    "from_keras",
    "ibm_example",
    "ibm_network",
    "jaxpr",
    "keras_twin",
    "load_weights",
    "loss_and_gradients",
    "setup_keras",
    "summary_text",
    "to_keras",
]
