"""A generated class for course-grade: honest work, lost work, and attacks.

Each student is built from the assignment's own notebooks (so the class
works for any assignment): the reference answers, the blank student version,
or one of them with one change.  ``expect`` says what grading must give:

    status   graded / held / ungraded
    flags    flag kinds that must be reported (held students)
    lose     exercises (grade_ids of test cells) that must score 0; every
             other test cell must score what the reference scores
    zero     True: every test cell must score 0 (blank answers)
    notes    words one of the notes must contain

Attacks start from blank answers: without the grader's defences they would
earn points they did not work for.
"""

import re
from dataclasses import dataclass, field

import nbformat
from course import is_solution, is_test, nbgrader_meta

LOOP_FOREVER = "    while True:\n        pass\n"


@dataclass
class Student:
    name: str
    files: dict                       # relative path -> str (notebook JSON) or bytes
    status: str = "graded"
    flags: tuple = ()
    lose: tuple = ()
    zero: bool = False
    notes: tuple = ()
    secret_ok: set = field(default_factory=set)  # lines of its own that may show


def first_exercise(nb):
    """(grade_id of the first code exercise, its function's name, its test's grade_id)."""
    for k, cell in enumerate(nb.cells):
        if is_solution(cell) and cell.cell_type == "code":
            name = re.search(r"def (\w+)\(", cell.source).group(1)
            test = next(nbgrader_meta(c)["grade_id"] for c in nb.cells[k:] if is_test(c))
            return nbgrader_meta(cell)["grade_id"], name, test
    raise ValueError("no code exercise")


def with_cell(nb, grade_id, source):
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        if nbgrader_meta(cell).get("grade_id") == grade_id:
            cell.source = source
            return nb
    raise KeyError(grade_id)


def prepend(nb, grade_id, code):
    cell = next(c for c in nb.cells if nbgrader_meta(c).get("grade_id") == grade_id)
    return with_cell(nb, grade_id, code + "\n" + cell.source)


def in_function(nb, grade_id, name, body):
    """The exercise's function, with ``body`` run first whenever it is called."""
    cell = next(c for c in nb.cells if nbgrader_meta(c).get("grade_id") == grade_id)
    end = re.search(r"def \w+\(.*?\):\n\s+('''|\"\"\").*?\1\n", cell.source, re.S).end()
    indented = "".join("    " + line + "\n" for line in body.strip().splitlines())
    return with_cell(nb, grade_id, cell.source[:end] + indented + cell.source[end:])


def text(nb):
    return nbformat.writes(nb)


def honest(course):
    """Reference, blank and one exercise left undone: for every assignment."""
    solved, blank = course.solved(), course.release()
    ex, _, test = first_exercise(blank)
    stub = next(c.source for c in blank.cells if nbgrader_meta(c).get("grade_id") == ex)
    a = course.assignment
    return [Student("reference", {f"{a}.ipynb": text(solved)}),
            Student("blank", {f"{a}.ipynb": text(blank)}, zero=True),
            Student("partial", {f"{a}.ipynb": text(with_cell(solved, ex, stub))}, lose=(test,))]


def whole_class(course, paths):
    """Honest work, every way to lose work, and every attack; for one assignment.

    paths: absolute paths an attacker would aim at (gradebook, solutions, ...).
    """
    a = course.assignment
    nb_file = f"{a}.ipynb"
    solved, blank = course.solved(), course.release()
    ex, fn, test = first_exercise(blank)
    students = honest(course)

    def add(name, nb, **expect):
        if isinstance(nb, nbformat.NotebookNode):
            files = {nb_file: text(nb)}
        else:  # a file's text, or {path: text} for several files
            files = nb if isinstance(nb, dict) else {nb_file: nb}
        students.append(Student(name, files, **expect))

    # --- work that must not be lost -------------------------------------------------
    # (on the hidden tests' inputs only, as a bug would: the notebook's demo cells still run)
    add("kernel-killed", in_function(solved, ex, fn, ON_HIDDEN + "    import os\n"
        "    os._exit(1)"), lose=(test,), notes=("kernel died",))
    add("sigint-ignored", in_function(solved, ex, fn, ON_HIDDEN + "    import signal\n"
        "    signal.signal(signal.SIGINT, signal.SIG_IGN)\n    while True:\n        pass"),
        lose=(test,), notes=("would not stop",))
    add("interrupt-caught", in_function(solved, ex, fn, ON_HIDDEN + "    while True:\n"
        "        try:\n            while True:\n                pass\n"
        "        except KeyboardInterrupt:\n            pass"),
        lose=(test,), notes=("would not stop",))
    add("renamed", {f"{a}-Copy1.ipynb": text(solved)}, notes=("in its place",))
    add("work-in-copy", {nb_file: text(blank), f"{a}-Copy1.ipynb": text(solved)},
        notes=("instead",))
    deleted = nbformat.from_dict(solved)
    deleted.cells = [c for c in deleted.cells
                     if nbgrader_meta(c).get("grade_id") not in (ex, test)]
    add("exercise-deleted", deleted, lose=(test,), notes=("deleted",))
    stripped = nbformat.from_dict(solved)
    for cell in stripped.cells:
        cell.metadata.pop("nbgrader", None)
    add("metadata-stripped", stripped, notes=("lost its nbgrader metadata",))
    written = next(c for c in blank.cells if is_solution(c) and c.cell_type == "markdown")
    wid = nbgrader_meta(written)["grade_id"]
    pasted = nbformat.from_dict(solved)
    k = next(i for i, c in enumerate(pasted.cells) if nbgrader_meta(c).get("grade_id") == wid)
    empty = nbformat.from_dict(written)
    empty.id = "pasted-empty"
    pasted.cells.insert(k + 1, empty)  # the empty copy last: nbgrader would keep it
    add("pasted-answer", pasted, notes=("appears 2 times",))
    add("broken-file", '{"cells": [ this is not a notebook', status="ungraded")
    add("no-notebook", {"notes.txt": "I did it on paper"}, status="ungraded")
    add("locked-edited", with_cell(blank, test, 'print("tests passed")'), zero=True,
        notes=("locked cell",))
    add("marker-in-code", prepend(solved, ex, "# ### BEGIN HIDDEN TESTS (my note)"))
    add("stderr-print", in_function(solved, ex, fn,
        "import sys\nprint('debug', file=sys.stderr)"), notes=("stderr",))
    add("sandbox-probe", prepend(solved, ex, probe_code(paths)))
    add("fork-bomb", prepend(solved, ex, FORK_BOMB))

    # --- attacks: blank work that would earn points -------------------------------
    hold = dict(status="held")
    add("patch-helper", prepend(blank, ex, "import course_lib.check\n"
        "course_lib.check.check_function = lambda *a, **k: None"),
        flags=("changed",), notes=(), **hold)
    add("patch-numpy-in-call", in_function(blank, ex, fn, "import numpy\n"
        "numpy.isclose = lambda a, b, **k: numpy.ones(numpy.broadcast(a, b).shape, bool)\n"
        "return numpy.zeros(2)"), flags=("changed",), **hold)
    add("patch-import", prepend(blank, ex, FAKE_MODULE + "import builtins\n"
        "_real = builtins.__import__\n"
        "def _imp(name, *args, **kw):\n"
        "    return fake if name == 'course_lib.check' else _real(name, *args, **kw)\n"
        "builtins.__import__ = _imp"), flags=("changed",), **hold)
    add("input-transformer", prepend(blank, ex, "def _cheat(lines):\n"
        "    if lines and lines[0].startswith('# Test'):\n"
        "        return ['print(\"tests passed\")\\n']\n    return lines\n"
        "get_ipython().input_transformers_post.append(_cheat)"), flags=("changed",), **hold)
    add("custom-exc", prepend(blank, ex, "get_ipython().set_custom_exc((Exception,), "
        "lambda *a, **k: None)"), flags=("changed",), **hold)
    add("settrace", prepend(blank, ex, "import sys\nsys.settrace(lambda *a: None)"),
        flags=("tracing",), **hold)
    # an import hook of the student's (libraries may add their own: jax's absl does)
    add("import-hook", prepend(blank, ex, "import sys, importlib.abc\n"
        "class _Finder(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path, target=None):\n        return None\n"
        "sys.meta_path.insert(0, _Finder())"), flags=("changed",), **hold)
    add("sys-modules", prepend(blank, ex, FAKE_MODULE + "import sys\n"
        "sys.modules['course_lib.check'] = fake"), flags=("changed",), **hold)
    add("code-swap", prepend(blank, ex, "import course_lib.check as _c\n"
        "_c.check_function.__wrapped__.__code__ = (lambda *a, **k: None).__code__"),
        flags=("code replaced",), **hold)
    add("frame-peek", in_function(blank, ex, fn, "import inspect\n"
        "f = inspect.currentframe().f_back\nwhile f is not None:\n"
        "    if 'want' in f.f_locals:\n        return f.f_locals['want']\n"
        "    f = f.f_back"), flags=("frames",), **hold)
    add("history-read", in_function(blank, ex, fn, "print(get_ipython().user_ns['In'][-1])"),
        flags=("hidden test in output",), **hold)
    add("linecache-dump", in_function(blank, ex, fn, "import linecache\n"
        "for entry in list(linecache.cache.values()):\n    print(''.join(entry[2]))"),
        flags=("hidden test in output",), **hold)
    add("gc-walk", prepend(blank, ex, "import gc\ntry:\n    gc.get_objects()\n"
        "except PermissionError as e:\n    print(e)"), flags=("refused",), **hold)
    add("ctypes-peek", prepend(blank, ex, "import ctypes\ntry:\n    ctypes.string_at(id(1), 8)\n"
        "except PermissionError as e:\n    print(e)"), flags=("refused",), **hold)
    add("forged-report", prepend(blank, ex, "import glob\nfor p in glob.glob('.k*/guard.log'):\n"
        "    open(p, 'a').write('9\\treport\\t1 checks\\tdeadbeef\\n')"),
        flags=("forged report",), **hold)
    # not flagged, but must not leak: a BaseException escapes check_function's net
    # on a hidden input, so the traceback quotes the hidden test's line
    add("base-exception", in_function(solved, ex, fn, "class Escape(BaseException):\n"
        "    pass\n" + ON_HIDDEN + "    raise Escape('hidden input')"), lose=(test,))
    injected = with_cell(solved, wid, "<script>alert('feedback')</script>"
                         "<img src=x onerror=\"alert('x')\"> my answer")
    add("html-injection", injected)
    return students


# The first assignment's first exercise is tried on these visible inputs (x[0] = 1 and -0.5)
ON_HIDDEN = "if float(abs(x[0])) not in (1.0, 0.5):\n"

FAKE_MODULE = ("import types\nfake = types.ModuleType('course_lib.check')\n"
               "fake.__getattr__ = lambda name: (lambda *a, **k: None)\n")


# Forks until refused (at most 1000), then lets the children go and says how many it got.
FORK_BOMB = """import os
_r, _w = os.pipe()
_forks = 0
try:
    for _ in range(1000):
        if os.fork() == 0:
            os.close(_w)
            os.read(_r, 1)
            os._exit(0)
        _forks += 1
except OSError:
    pass
os.close(_w)
for _ in range(_forks):
    os.wait()
print('forks:', _forks)"""


def probe_code(paths):
    """Try to read or write what a sandboxed kernel must not reach; print what happened."""
    lines = ["import os, socket", "_seen = []"]
    for label, path, mode in paths:
        lines += [f"try:\n    open({path!r}, {mode!r}).close()\n    _seen.append('OPEN {label}')",
                  f"except OSError:\n    _seen.append('blocked {label}')"]
    lines += ["try:\n    socket.create_connection(('127.0.0.1', 9), timeout=1)\n"
              "    _seen.append('OPEN network')\nexcept OSError:\n    _seen.append('blocked network')",
              "print(_seen)"]
    return "\n".join(lines)
