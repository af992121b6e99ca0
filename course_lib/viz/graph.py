"""Drawing computational graphs with Graphviz.

``draw_graph`` reads only a node's fields (data, grad, op, label, parents,
and requires_grad where there is one), so it draws any engine's nodes that
have them: ``Value`` and ``Tensor``.  Output order is the topological order,
so the same graph always gives the same drawing.
"""

import graphviz
import numpy as np

from course_lib.engine.graph import topological_order

__all__ = ["draw_graph", "draw_spec", "grad_mismatches"]

HIGHLIGHT = "#f4b6b6"


def _escape(text):
    # characters with a meaning in Graphviz record labels
    for ch in "\\{}|<>":
        text = text.replace(ch, "\\" + ch)
    return text


def _digraph(rankdir):
    return graphviz.Digraph(graph_attr={"rankdir": rankdir},
                            node_attr={"fontname": "Helvetica", "fontsize": "11"})


def _show(name, x):
    """'data 2.0000' for a number or a one-element array, 'data (32, 4)' for a larger array."""
    if x is None:
        return f"{name} none"
    shape = np.shape(x)
    if np.size(x) == 1:
        return f"{name} {float(np.reshape(x, ())):.4f}"
    return f"{name} {shape}"


def draw_graph(root, highlight=(), rankdir="LR", show_grad=True):
    """A graphviz.Digraph of the graph that computes ``root``.

    Nodes are boxes "label | data | grad" (a number, or an array's shape);
    each operation is an oval between its inputs and its output.  A node
    with requires_grad=False (data, a constant) is dashed: it gets no
    gradient.  In JupyterLab the returned object renders itself.
    highlight: nodes to fill red (for example ``grad_mismatches(...)``).
    rankdir: "LR" (inputs left) or "TB" (inputs on top).
    show_grad: False leaves the gradients out (before any backward pass).
    """
    marked = set(map(id, highlight))
    dot = _digraph(rankdir)
    names = {}
    for i, node in enumerate(topological_order(root)):
        names[id(node)] = name = f"v{i}"
        fields = [_escape(node.label)] if node.label else []
        fields.append(_show("data", node.data))
        constant = getattr(node, "requires_grad", True) is False
        if show_grad and not constant:
            fields.append(_show("grad", node.grad))
        style = {"style": "filled", "fillcolor": HIGHLIGHT} if id(node) in marked else {}
        if constant:
            style["style"] = "filled,dashed" if style else "dashed"
        dot.node(name, " | ".join(fields), shape="record", **style)
        if node.op:
            dot.node(f"{name}_op", str(node.op), shape="oval")
            dot.edge(f"{name}_op", name)
            for parent in node.parents:
                dot.edge(names[id(parent)], f"{name}_op")
    return dot


def draw_spec(graph, values=None, rankdir="LR"):
    """A graphviz.Digraph of a define-and-run graph {name: (op, [input names])}.

    Variables are boxes (with their value when ``values`` gives one: a number,
    or an array's shape); each operation is an oval. Nodes appear in the
    dictionary's order, so the same graph always gives the same drawing.
    """
    dot = _digraph(rankdir)
    for name, (op, inputs) in graph.items():
        text = _escape(name)
        if values is not None and name in values:
            value = values[name]
            shape = getattr(value, "shape", ())
            text += f" | {'shape ' + str(shape) if shape else format(float(value), '.4g')}"
        dot.node(name, text, shape="record")
        if op != "input":
            dot.node(f"{name}_op", op, shape="oval")
            dot.edge(f"{name}_op", name)
            for i in inputs:
                dot.edge(i, f"{name}_op")
    return dot


def grad_mismatches(root, reference_root, tol=1e-6):
    """Nodes of ``root``'s graph whose grad differs from the reference's.

    Both graphs must have the same shape (built by the same code, say once by
    a student's backward pass and once by a trusted one): nodes are matched by
    their position in topological order.  Returns a list of nodes of ``root``.
    """
    mine, theirs = topological_order(root), topological_order(reference_root)
    if len(mine) != len(theirs):
        raise ValueError(f"the graphs differ: {len(mine)} nodes against {len(theirs)}")
    return [a for a, b in zip(mine, theirs) if _differ(a.grad, b.grad, tol)]


def _differ(g, reference, tol):
    if g is None or reference is None:
        return (g is None) != (reference is None)
    g, reference = np.asarray(g, dtype=float), np.asarray(reference, dtype=float)
    return g.shape != reference.shape or bool(
        np.any(np.abs(g - reference) > tol * np.maximum(1.0, np.abs(reference))))
