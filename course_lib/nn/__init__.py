"""Neural-network pieces: activations and their derivatives."""

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

__all__ = [
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
