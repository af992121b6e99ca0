"""Neural-network pieces: activations and their derivatives; a scalar MLP for demos."""

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
from course_lib.nn.scalar_mlp import MLP, Layer, Neuron

__all__ = [
    "Layer",
    "MLP",
    "Neuron",
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
]
