"""Reverse-mode differentiation of a Tensor graph: the Deep Learning book's algorithm (6.5).

The book's ``build_grad(V)`` finds the gradient of the root z with respect
to a node V by asking every consumer C of V (every op that reads V) for its
contribution, ``C.op.bprop(inputs, V, grad_table[C])``, and storing their sum
in ``grad_table[V]``.  Its recursion computes ``grad_table[C]`` first; the
table is the memo that makes each edge of the graph count once, however many
paths run through it.

``grad_table`` below does the same without recursion.  It visits the nodes in
reverse topological order (every consumer before the nodes it reads), so when
a node is reached, all its consumers have already added their contributions to
its entry, and its gradient is complete: one visit per node, one bprop per
edge.  Nodes that need no gradient (``requires_grad=False``: data, targets,
constants) are never visited and no bprop computes a gradient for them.

With ``symbolic=False`` (symbol-to-number, used by ``Tensor.backward``) the
gradients are ndarrays.  With ``symbolic=True`` (symbol-to-symbol, used by
``grad``) every bprop runs on Tensors, so each gradient is itself a node of a
graph, which can be differentiated again.
"""

from heapq import heappop, heappush
from operator import attrgetter

import numpy as np

from course_lib.engine.ops import unbroadcast

__all__ = ["backward", "grad", "grad_table"]


def grad_table(root, *, wrt=None, symbolic=False, on_edge=None):
    """{node: d root / d node} for every node ``root`` depends on that needs a gradient.

    root: a Tensor of one element.
    wrt: optional list of Tensors; then only what their gradients need is computed.
    symbolic: False, gradients are ndarrays; True, they are Tensors (graph nodes).
    on_edge: optional function, called as on_edge(node, i) each time a
        gradient is passed back along the edge from input i to ``node``.
    """
    return _backprop(root, symbolic, _leading_to(root, wrt), on_edge, fill=False)


def backward(root):
    """Fill ``grad`` of every node ``root`` depends on that needs one (Tensor.backward)."""
    _backprop(root, False, None, None, fill=True)


def grad(y, xs):
    """Gradients of the scalar Tensor ``y`` with respect to each Tensor in ``xs``.

    Returns a list of Tensors, one per x, of x's shape.  They are nodes of a
    graph built by the bprops (symbol to symbol), so they can be
    differentiated again: ``grad(grad(y, [x])[0].sum(), [x])``.  An x that
    ``y`` does not depend on gets zeros.  No ``.grad`` is changed.
    """
    xs = list(xs)
    table = grad_table(y, wrt=xs, symbolic=True) if y.requires_grad else {}
    return [table[x] if x in table else type(y)(np.zeros_like(x.data), requires_grad=False)
            for x in xs]


def _backprop(root, symbolic, keep, on_edge, fill):
    """The backward pass.  keep: None, or the only nodes that get a gradient.
    fill: store each gradient in the node's ``grad`` (else only in the table).

    Nodes are taken newest first.  A node is always made after its inputs, so
    when the newest node still waiting is taken, every node that reads it
    (all newer) has already passed its gradient back: its entry in the table
    is complete.  A heap finds the newest; each node is taken once and each
    edge is used once, without recursion.
    """
    if root.data.size != 1:
        raise ValueError(f"the gradient needs a Tensor of one element (a loss) to start "
                         f"from, this one has shape {root.data.shape}: take .sum() or "
                         ".mean() first")
    ones = _seed(root.data.dtype, root.data.shape)
    table = {root: type(root)(ones, requires_grad=False) if symbolic else ones}
    waiting = [(-root._made, root)]
    given = set()  # arrays already handed to an input's grad
    while waiting:
        node = heappop(waiting)[1]
        dout = table[node]
        parents = node.parents
        if not parents:  # an input of the graph: its gradient is complete
            if fill:
                _fill_input(node, dout, given)
            continue
        if fill:
            node.grad = dout if type(dout) is _ndarray else np.asarray(dout)
        op = node.op
        if symbolic:
            inputs, out = parents, node
        elif len(parents) == 1:
            inputs, out = (parents[0].data,), node.data
        else:
            inputs, out = tuple(map(_data, parents)), node.data
        for i, parent in enumerate(parents):
            if not parent.requires_grad or (keep is not None and parent not in keep):
                continue  # no work for what needs no gradient
            if on_edge is not None:
                on_edge(node, i)
            dx = op.bprop(inputs, out, dout, i)
            shape = parent.data.shape
            if dx.shape != shape:  # the input was broadcast
                dx = unbroadcast(dx, shape)
            g = table.get(parent)
            if g is None:
                table[parent] = dx
                heappush(waiting, (-parent._made, parent))
            else:
                table[parent] = g + dx  # the sum over all nodes that read parent
    return table


_data = attrgetter("data")
_ndarray = np.ndarray
_seeds = {}


def _seed(dtype, shape):
    """d root / d root = 1, one read-only array per dtype and shape, made once."""
    key = (dtype, shape)
    if key not in _seeds:
        _seeds[key] = np.ones(shape, dtype)
        _seeds[key].flags.writeable = False
    return _seeds[key]


def _fill_input(node, g, given):
    """An input of the graph (a parameter): gradients accumulate over passes, as in
    PyTorch.  Its grad is an array of its own, writable, of its own dtype."""
    if (type(g) is not _ndarray or g.base is not None or not g.flags.writeable
            or id(g) in given or g.dtype != node.data.dtype):
        g = np.array(g, dtype=node.data.dtype)  # a copy
    given.add(id(g))
    node.grad = g if node.grad is None else node.grad + g


def _leading_to(root, wrt):
    """None if wrt is None; else the nodes on a path from one of ``wrt`` to ``root``."""
    if wrt is None:
        return None
    seen, stack = {root}, [root]  # every node root depends on that needs a gradient
    while stack:
        for parent in stack.pop().parents:
            if parent.requires_grad and parent not in seen:
                seen.add(parent)
                stack.append(parent)
    leads = {x for x in wrt if x in seen}
    for node in sorted(seen, key=lambda n: n._made):  # inputs first
        if any(p in leads for p in node.parents):
            leads.add(node)
    return leads
