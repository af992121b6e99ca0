"""Helper package for the backpropagation course.

Importing ``course_lib`` is cheap on purpose: the subpackages load when first
used (``course_lib.nn.sigmoid`` imports numpy then), and matplotlib and
graphviz load only when something is drawn (``course_lib.viz``).  The scalar
engine needs no numpy at all.

    course_lib.engine  the scalar autodiff Value, graph walking
    course_lib.check   gradient checking and friendly checks for test cells
    course_lib.nn      activations and their derivatives, a small scalar MLP
    course_lib.viz     plots (matplotlib) and graph drawings (graphviz)
    course_lib.progress  show_progress: a notebook's visible tests, as a table

Inside IPython (JupyterLab, nbval, nbgrader), importing it also makes a test
cell explain a function that does not exist because its answer cell failed
(see ``course_lib._kernel``).
"""

import importlib

from course_lib import _kernel

_kernel.install()

__all__ = ["check", "engine", "nn", "progress", "viz"]
__version__ = "0.1.0"


def __getattr__(name):  # PEP 562: import a subpackage on first use
    if name in __all__:
        return importlib.import_module(f"course_lib.{name}")
    raise AttributeError(f"module 'course_lib' has no attribute {name!r}")
