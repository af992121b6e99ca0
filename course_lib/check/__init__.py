"""Gradient checking, and checks for notebook test cells.

    numerical_gradient, numerical_jacobian   central differences in float64
    rel_error, grad_check                    compare analytic with numerical
    check_array, check_function, check_that  friendly checks for test cells
    call                                     run student code, exceptions become messages
    other_routes, blocked                    switch off other routes to an answer while grading
    check_exact                              fail answers that are only approximately right
    course_lib.check.mistakes                known wrong answers, named for the student
"""

from course_lib._blocking import BlockedFunctionError, blocked
from course_lib.check import mistakes
from course_lib.check.exact import check_exact
from course_lib.check.feedback import (
    CheckFailed,
    call,
    check_array,
    check_function,
    check_that,
)
from course_lib.check.gradcheck import (
    GradientCheckError,
    grad_check,
    numerical_gradient,
    numerical_jacobian,
    rel_error,
)
from course_lib.check.routes import other_routes

__all__ = [
    "BlockedFunctionError",
    "CheckFailed",
    "GradientCheckError",
    "blocked",
    "call",
    "check_array",
    "check_exact",
    "check_function",
    "check_that",
    "grad_check",
    "mistakes",
    "numerical_gradient",
    "numerical_jacobian",
    "other_routes",
    "rel_error",
]
