"""Drawing: matplotlib plots (``course_lib.viz.plots``).

Nothing here is imported by ``import course_lib``: import the submodule you
need, e.g. ``from course_lib.viz.plots import plot_curves``.
"""
