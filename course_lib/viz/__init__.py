"""Drawing: matplotlib plots (``plots``, ``training``) and Graphviz graph drawings (``graph``).

Nothing here is imported by ``import course_lib``: import the submodule you
need, e.g. ``from course_lib.viz.graph import draw_graph``.
"""
