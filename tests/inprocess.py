"""Notebook cells run in this process, in order, as a kernel runs them.

Each cell is compiled under its own file name and registered with linecache,
so that messages can quote a student's line as they do in a kernel.  Much
faster than a kernel, for tests that need many runs of a notebook's cells.
"""

import linecache

import nbformat
import numpy as np
from course import without_markers


def run_cell(source, name, namespace):
    linecache.cache[name] = (len(source), None, source.splitlines(True), name)
    exec(compile(source, name, "exec"), namespace)


def run_all(path):
    """(notebook, namespace) after running every code cell of the notebook at ``path``;
    a cell that fails (a stub, and whatever uses it) is passed over, as Run All would."""
    nb = nbformat.read(path, as_version=4)
    namespace = {"__name__": "__main__"}
    with np.printoptions(**np.get_printoptions()):  # notebooks set their own
        for k, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                try:
                    run_cell(without_markers(cell.source), f"<cell {k}>", namespace)
                except Exception:
                    pass
    return nb, namespace
