"""Helper package for the backpropagation course.

Importing ``course_lib`` is cheap on purpose: it loads numpy and the small
subpackages below, never matplotlib or graphviz (those load only when a plot
or a graph drawing is asked for, in ``course_lib.viz``).

    course_lib.check   gradient checking and friendly checks for test cells
    course_lib.nn      activations and their derivatives
    course_lib.viz     plots (matplotlib), imported on demand
"""

from course_lib import check, nn

__all__ = ["check", "nn"]
__version__ = "0.1.0"
