"""Walking a computational graph: every node exposes its inputs as ``parents``.

Works for any node type with a ``parents`` tuple (``Value``, ``Tensor``) that
hashes by identity.  No recursion, so a chain of 100,000 operations is as easy as a
chain of 3.
"""

__all__ = ["topological_order"]


def topological_order(root):
    """All nodes that ``root`` depends on, each after all of its parents.

    root: a node with a ``parents`` tuple.
    Returns a list ending with ``root``; the order is fixed by the order of
    ``parents`` (depth first), so the same graph always gives the same list.

    Look at the node on top of the stack: if one of its parents is not placed
    yet, put that parent on top and look again; if all are placed, the node
    is placed.  A node may be pushed twice (two children share it) but is
    placed once.
    """
    order, done, stack = [], set(), [root]
    while stack:
        node = stack[-1]
        for parent in node.parents:
            if parent not in done:
                stack.append(parent)
                break
        else:  # every parent is placed: the node can follow them
            stack.pop()
            if node not in done:
                done.add(node)
                order.append(node)
    return order
