"""A small multilayer perceptron built from scalar ``Value`` nodes, for demos.

Every weight is its own ``Value``, so each forward pass builds a graph that
``backward`` can walk.  Slow next to arrays, but every number is visible.
"""

import random

from course_lib.engine.value import Value

__all__ = ["Layer", "MLP", "Neuron"]


class Neuron:
    """act(w . x + b) for a list x of nin numbers or Values.

    Weights start uniform in [-1, 1] from ``rng`` (a random.Random), bias at 0.
    act: "relu", "tanh", "sigmoid" or "linear".
    """

    def __init__(self, nin, rng, act="relu"):
        self.w = [Value(rng.uniform(-1, 1), label="w") for _ in range(nin)]
        self.b = Value(0.0, label="b")
        self.act = act

    def __call__(self, x):
        z = self.b
        for wi, xi in zip(self.w, x, strict=True):
            z = z + wi * xi
        return z if self.act == "linear" else getattr(z, self.act)()

    def parameters(self):
        return self.w + [self.b]


class Layer:
    """nout neurons, all reading the same nin inputs."""

    def __init__(self, nin, nout, rng, act="relu"):
        self.neurons = [Neuron(nin, rng, act) for _ in range(nout)]

    def __call__(self, x):
        return [n(x) for n in self.neurons]

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]


class MLP:
    """Layers of sizes ``sizes`` = [inputs, hidden..., outputs]; the last layer is linear.

    seed: makes the initial weights reproducible.
    Calling it on a list of nin inputs returns a list of outputs (a single Value if one).
    """

    def __init__(self, sizes, seed=0, act="relu"):
        rng = random.Random(seed)
        last = len(sizes) - 2
        self.layers = [Layer(sizes[i], sizes[i + 1], rng, "linear" if i == last else act)
                       for i in range(len(sizes) - 1)]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x[0] if len(x) == 1 else x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]
