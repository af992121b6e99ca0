"""Neural-network pieces.

    activations   elementwise functions on arrays and their derivatives (relu, sigmoid_grad, ...)
    layers        Linear and TensorMLP on course_lib.engine.Tensor
    losses        mse, half_sse, cross_entropy, binary_cross_entropy on Tensors
    scalar_mlp    MLP, Layer, Neuron: a small network of scalar Values, for demos
    optim         SGD (with optional momentum)
    batches       MiniBatches: seeded, shuffled mini-batches per epoch
    train         fit, History: a training loop that records its losses
"""

from course_lib.nn.activations import (
    LEAKY_SLOPE,
    leaky_relu,
    leaky_relu_grad,
    relu,
    relu_grad,
    sigmoid,
    sigmoid_grad,
    softmax,
    softmax_jacobian,
    step,
    step_grad,
    tanh,
    tanh_grad,
)
from course_lib.nn.layers import Linear, TensorMLP
from course_lib.nn.losses import binary_cross_entropy, cross_entropy, half_sse, mse
from course_lib.nn.scalar_mlp import MLP, Layer, Neuron
from course_lib.nn.batches import MiniBatches
from course_lib.nn.optim import SGD
from course_lib.nn.progress import PROGRESS_MIN_STEPS
from course_lib.nn.train import History, fit

__all__ = [
    "Layer",
    "Linear",
    "MLP",
    "Neuron",
    "TensorMLP",
    "binary_cross_entropy",
    "cross_entropy",
    "half_sse",
    "mse",
    "LEAKY_SLOPE",
    "leaky_relu",
    "leaky_relu_grad",
    "relu",
    "relu_grad",
    "sigmoid",
    "sigmoid_grad",
    "softmax",
    "softmax_jacobian",
    "step",
    "step_grad",
    "tanh",
    "tanh_grad",
    "History",
    "MiniBatches",
    "PROGRESS_MIN_STEPS",
    "SGD",
    "fit",
]
