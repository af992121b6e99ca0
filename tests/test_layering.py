"""Dependencies point one way: numerics <- engine <- nn; check and viz see nodes by their fields.

Read from the import statements of every module (the import graph), and
checked once more by importing the engine alone in a fresh interpreter.
"""

import ast
import subprocess
import sys

import pytest
from course import ROOT

PACKAGE = ROOT / "course_lib"

# course_lib modules each layer may import (besides the standard library, and numpy everywhere)
ALLOWED = {
    "data": {"course_lib.data"},
    "numerics": {"course_lib._blocking"},
    "engine": {"course_lib.engine", "course_lib.numerics", "course_lib._blocking"},
    "nn": {"course_lib.nn", "course_lib.engine", "course_lib.numerics", "course_lib._blocking"},
    "check": {"course_lib.check", "course_lib.numerics", "course_lib._blocking",
              "course_lib._kernel"},  # IPython's record of an answer cell that failed
    "viz": {"course_lib.viz", "course_lib.engine.graph"},  # the graph walk, by fields only
    "frameworks": {"course_lib.frameworks"},  # Tensors and layers only by their fields
}
THIRD_PARTY = {"data": {"numpy"}, "numerics": {"numpy"}, "engine": {"numpy"},
               "nn": {"numpy", "tqdm"},  # tqdm: fit's progress bar
               "check": {"numpy"}, "viz": {"numpy", "graphviz", "matplotlib"},
               "frameworks": {"numpy", "keras", "jax", "IPython"}}


def imports(path):
    """Every module a file imports, as dotted names (``from a import b`` gives a.b too)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module == "course_lib":
            names |= {f"course_lib.{alias.name}" for alias in node.names}  # submodules
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def modules(layer):
    path = PACKAGE / f"{layer}.py"
    return [path] if path.exists() else sorted((PACKAGE / layer).glob("*.py"))


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_each_layer_imports_only_what_is_below_it(layer):
    for path in modules(layer):
        for name in imports(path):
            top = name.split(".")[0]
            if top == "course_lib":
                assert any(name == a or name.startswith(a + ".") for a in ALLOWED[layer]), \
                    f"{path.relative_to(ROOT)} imports {name}"
            else:
                assert top in THIRD_PARTY[layer] or top in sys.stdlib_module_names, \
                    f"{path.relative_to(ROOT)} imports {name}"


def test_the_engine_alone_loads_numpy_and_nothing_else_of_the_course():
    code = ("import sys, course_lib.engine; "
            "print(sorted(m for m in sys.modules if m.startswith('course_lib') "
            "or m.split('.')[0] in ('matplotlib', 'graphviz', 'torch')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = eval(out.stdout)
    assert not [m for m in loaded if m.startswith(("course_lib.nn", "course_lib.check",
                                                   "course_lib.viz", "matplotlib", "graphviz"))]
    assert "course_lib.numerics" in loaded
