"""What a student sees in the kernel when a cell fails: wrapped messages, and
a test cell that says *why* the function it tests does not exist.

``render`` wraps a message for nbgrader's Validate; ``explain`` puts NumPy's
shape errors into words.  When an answer cell has a syntax error (or fails in
any other way), the function it should define never exists, and its test cell
would show a bare ``NameError``.  ``install()`` hooks into IPython so that the test cell says
instead::

    NameError: name 'topological_order' is not defined.
    The cell above that defines topological_order did not run: SyntaxError at
      line 12: expected ':'
        for name in graph
    Fix that cell and run it, then run this cell again.

``import course_lib`` calls ``install()`` when it runs inside IPython (in
JupyterLab, nbval, nbgrader's Validate and autograde); elsewhere it does
nothing.  This module imports no numpy, so ``import course_lib`` stays cheap.
"""

import ast
import re
import sys
import textwrap
import traceback

__all__ = ["explain", "failed_cells", "install", "render", "user_namespace"]

# nbgrader's Validate indents each line by 4 and cuts it past 87 characters
WIDTH = 83

# name -> why the cell that defines it failed ("SyntaxError at line 3: ...")
failed_cells = {}

_DEFINES = re.compile(r"^(?:async\s+)?(?:def|class)\s+(\w+)|^(\w+)\s*(?::[^=]*)?=(?!=)", re.M)


def render(text):
    """Lines of ``text`` wrapped to WIDTH, continuation lines indented."""
    lines = []
    for line in text.splitlines():
        indent = " " * (len(line) - len(line.lstrip()))
        lines += textwrap.wrap(line, WIDTH, subsequent_indent=indent + "  ",
                               break_long_words=False, break_on_hyphens=False) or [""]
    return lines


# NumPy's shape errors, put into words a beginner can act on.
_NUMPY_ERRORS = [
    (re.compile(r"matmul: Input operand 1 has a mismatch in its core dimension 0, "
                r".*\(size (\d+) is different from (\d+)\)"),
     lambda m: f"a matrix product A @ B does not fit: A has {m[2]} columns but B has "
               f"{m[1]} rows (they must be equal)"),
    (re.compile(r"operands could not be broadcast together with shapes (.+?) (\(.+?\))"
                r"(?: (\(.+?\)))?\s*$"),
     lambda m: f"arrays of shapes {m[1]} and {m[2]} cannot be combined elementwise "
               "(compared from the right, each pair of sizes must be equal or 1)"),
    (re.compile(r"shapes (\(.*?\)) and (\(.*?\)) not aligned: (\d+) \(dim \d+\) != (\d+)"),
     lambda m: f"np.dot got shapes {m[1]} and {m[2]}, which do not fit ({m[3]} != {m[4]})"),
]


def explain(err):
    """An exception's message, with NumPy's terse shape errors put into words."""
    text = str(err)
    if isinstance(err, RecursionError):
        return (f"{text}: the recursion goes deeper than Python allows (about 1000 calls); "
                "a loop with a list as your own stack has no such limit")
    for pattern, words in _NUMPY_ERRORS:
        match = pattern.search(text)
        if match:
            return words(match)
    return text


def _defined_names(source):
    """Top-level names a cell defines; by pattern, since it may not even parse."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {a or b for a, b in _DEFINES.findall(source)}
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return names


def _why(err):
    """"SyntaxError at line 3: expected ':'" plus the offending line, if known."""
    if isinstance(err, SyntaxError):
        text = f"{type(err).__name__} at line {err.lineno}: {err.msg}"
        return text + (f"\n    {err.text.strip()}" if err.text and err.text.strip() else "")
    # the first module-level frame is the cell's own (later ones: modules it imported)
    frames = [f for f in traceback.extract_tb(err.__traceback__) if f.name == "<module>"]
    where = f" at line {frames[0].lineno}" if frames else ""
    return f"{type(err).__name__}{where}: {explain(err)}"


def _after_cell(result):
    """post_run_cell: remember which names a failed cell should have defined."""
    err = result.error_before_exec or result.error_in_exec
    names = _defined_names(getattr(result.info, "raw_cell", "") or "")
    for name in names:
        if err is None:
            failed_cells.pop(name, None)
        else:
            failed_cells[name] = _why(err)


def _name_error(shell, etype, value, tb, tb_offset=None):
    """IPython's custom handler for NameError: explain a name from a failed cell."""
    name = getattr(value, "name", None)
    if name in failed_cells:
        text = (f"NameError: name {name!r} is not defined.\n"
                f"The cell above that defines {name} did not run: {failed_cells[name]}\n"
                "Fix that cell and run it, then run this cell again.")
        stb = render(text)
    else:
        stb = shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
        stb = list(stb) + [f"If {name} is defined in a cell above, run that cell first "
                           "(Run > Run All Above Selected Cell)."]
    shell._showtraceback(etype, value, stb)


def _shell():
    ipython = sys.modules.get("IPython")
    return ipython.get_ipython() if ipython else None


def user_namespace(depth=1):
    """The running IPython's user namespace; outside IPython the globals of the
    function ``depth`` frames above the caller."""
    shell = _shell()
    return shell.user_ns if shell is not None else sys._getframe(depth + 1).f_globals


def install():
    """Register the hooks in the running IPython, once; a no-op outside IPython."""
    shell = _shell()
    if shell is None or getattr(shell, "_course_lib_hooks", False):
        return
    shell.events.register("post_run_cell", _after_cell)
    if not shell.custom_exceptions:  # never replace someone else's handler
        shell.set_custom_exc((NameError,), _name_error)
    shell._course_lib_hooks = True
