"""Automatic differentiation: the scalar ``Value``, the array ``Tensor``, graph walking.

    Value               a number in a graph (notebooks 02-03), value.py
    Tensor, apply       an array in a graph, tensor.py; its operations in ops.py
    grad, grad_table    reverse mode as the Deep Learning book's algorithm, autodiff.py
    topological_order   graph walking, graph.py
    rules               forward/backward/tangent tables for define-and-run graphs

NumPy only: nothing here imports course_lib.nn, .check or .viz.
"""

from course_lib.engine.autodiff import grad, grad_table
from course_lib.engine.graph import topological_order
from course_lib.engine.tensor import Tensor, apply
from course_lib.engine.value import Value

__all__ = ["Tensor", "Value", "apply", "grad", "grad_table", "topological_order"]
