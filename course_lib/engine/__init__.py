"""Automatic differentiation: the scalar ``Value`` and graph walking."""

from course_lib.engine.graph import topological_order
from course_lib.engine.value import Value

__all__ = ["Value", "topological_order"]
