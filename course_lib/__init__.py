"""Helper package for the backpropagation course.

Importing ``course_lib`` is cheap on purpose: the subpackages load when first
used (``course_lib.nn.sigmoid`` imports numpy then), and matplotlib and
graphviz load only when something is drawn (``course_lib.viz``).

    course_lib.numerics  stable sigmoid and softmax formulas (NumPy only), used by all below
    course_lib.data      data sets (Iris, XOR) shipped offline, a seeded train/test split
    course_lib.engine    autodiff: the scalar Value, the array Tensor, grad, graph walking
    course_lib.check     gradient checking and friendly checks for test cells
    course_lib.nn        activations, Linear/TensorMLP and losses on Tensor, a scalar MLP;
                         SGD, mini-batches and a training loop (fit)
    course_lib.viz       plots (matplotlib) and graph drawings (graphviz)
    course_lib.frameworks  the same networks in Keras (keras and jax load when called)
    course_lib.progress  show_progress: a notebook's visible tests, as a table

Dependencies point one way: numerics <- engine <- nn; data needs NumPy only;
check and viz see the engine's nodes only through their fields
(tests/test_layering.py).

Inside IPython (JupyterLab, nbval, nbgrader), importing it also makes a test
cell explain a function that does not exist because its answer cell failed
(see ``course_lib._kernel``).
"""

import importlib

from course_lib import _kernel

_kernel.install()

__all__ = ["check", "data", "engine", "frameworks", "nn", "progress", "viz"]
__version__ = "0.1.0"


def __getattr__(name):  # PEP 562: import a subpackage on first use
    if name in __all__:
        return importlib.import_module(f"course_lib.{name}")
    raise AttributeError(f"module 'course_lib' has no attribute {name!r}")
