"""Progress at a glance: a notebook's visible tests, run again, as a table.

Call it from the notebook's last cell, or from any cell at any time::

    from course_lib.progress import show_progress
    show_progress("01_gradients")

It prints one line per exercise (passed, failing and why, not written yet,
not run yet) and the autograded points whose visible tests pass::

    Progress in 01_gradients: the visible tests, run now on the code in this kernel.

       #  exercise        points  visible tests
       1  grad_f               2  passed
       2  numerical_grad       3  failing: numerical_grad(f, [1., 2.]) is not right.
       3  jacobian_g           2  not written yet
       A  choose_h             2  written answer, graded by a TA: not answered yet

    Visible tests pass for 2 of 7 autograded points (+ 2 points for written answers).
    ...

Two things to know.  The list of exercises comes from the notebook *file*,
``01_gradients.ipynb`` next to the kernel's working directory (the
notebook's folder in JupyterLab, nbval and nbgrader), so it is as current as
the last save; the code that is tested is what the kernel has run, so run
your cells first.  And only the visible tests run: hidden tests are stripped
from what is read (even where the file holds them, as during autograding).
They run when the notebook is graded.

``show_progress`` never raises and never writes to stderr: it is safe as the
last cell of a notebook that is validated or graded.  An exercise whose tests
run longer than TIME_LIMIT seconds (a loop that never ends) is stopped and
reported as failing.
"""

import contextlib
import io
import json
import signal
import sys
import textwrap
import threading
import warnings
from pathlib import Path
from typing import NamedTuple

from course_lib import _kernel

__all__ = ["Row", "progress", "show_progress"]

HIDDEN = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
TIME_LIMIT = 10  # seconds per exercise: an endless loop must not hang the table
WIDTH = 88


class Row(NamedTuple):
    number: str      # "1", "2", ... for code exercises, "A", "B", ... for written ones
    exercise: str    # the exercise's grade_id
    points: float
    status: str      # "passed", "failing", "not written yet", "not run yet", "written"
    detail: str = ""  # why it fails, or how a written answer stands


def _source(cell):
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def visible_part(source):
    """A test cell's source without its hidden tests (and without the markers)."""
    lines, hidden = [], False
    for line in source.splitlines():
        if line.strip() == HIDDEN[0]:
            hidden = True
        elif line.strip() == HIDDEN[1]:
            hidden = False
        elif not hidden:
            lines.append(line)
    return "\n".join(lines) + "\n"


def _find(notebook):
    notebook = str(notebook)
    name = notebook if notebook.endswith(".ipynb") else f"{notebook}.ipynb"
    stem = Path(name).stem
    for path in (Path(name), Path(stem) / name, Path("..") / stem / name):
        if path.is_file():
            return path
    return None


@contextlib.contextmanager
def _time_limit(seconds):
    """Interrupt the block after ``seconds`` (main thread on Unix; elsewhere no limit)."""
    if threading.current_thread() is not threading.main_thread() or \
            not hasattr(signal, "setitimer"):
        yield
        return

    def stop(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _first_line(text):
    return textwrap.shorten(str(text).strip().splitlines()[0] if str(text).strip() else "",
                            width=60, placeholder=" ...")


def _run_test(source, exercise, namespace):
    """(status, detail) of one exercise's visible tests, run in a copy of the namespace."""
    from course_lib.check import CheckFailed, NotWrittenYet  # numpy loads only now

    code = compile(visible_part(source), f"<visible tests of {exercise}>", "exec")
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out), \
                warnings.catch_warnings(), _time_limit(TIME_LIMIT):
            warnings.simplefilter("ignore")
            exec(code, dict(namespace))
    except NotWrittenYet:
        return "not written yet", ""
    except NameError as err:
        why = _kernel.failed_cells.get(getattr(err, "name", None))
        if why:
            return "not run yet", f"its cell failed: {_first_line(why)}"
        return "not run yet", f"run the cell that defines {getattr(err, 'name', '?')}"
    except CheckFailed as err:
        return "failing", _first_line(err)
    except KeyboardInterrupt:
        return "failing", f"stopped after {TIME_LIMIT} s: look for a loop that never ends"
    except Exception as err:  # a broken test run is reported, never raised
        return "failing", _first_line(f"{type(err).__name__}: {err}")
    return "passed", ""


def _is_blank_answer(source):
    text = source.strip()
    return not text or text == "YOUR ANSWER HERE"


def progress(notebook, namespace):
    """Rows of the progress table of ``notebook`` (a name or a path to the .ipynb file).

    namespace: the globals the notebook's cells ran in (the kernel's user_ns).
    Raises FileNotFoundError when the notebook file is not found.
    """
    path = _find(notebook)
    if path is None:
        raise FileNotFoundError(notebook)
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    meta = [c.get("metadata", {}).get("nbgrader", {}) for c in cells]
    tests = {m["grade_id"]: (c, m) for c, m in zip(cells, meta)
             if m.get("grade") and not m.get("solution") and c.get("cell_type") == "code"}
    rows, written = [], 0
    for cell, m in zip(cells, meta):
        if not m.get("solution"):
            continue
        if cell.get("cell_type") == "code" and f"{m['grade_id']}_test" in tests:
            test, test_meta = tests[f"{m['grade_id']}_test"]
            status, detail = _run_test(_source(test), m["grade_id"], namespace)
            rows.append(Row(str(len(rows) - written + 1), m["grade_id"],
                            test_meta.get("points", 0), status, detail))
        elif m.get("grade"):  # a written answer, graded by hand
            blank = _is_blank_answer(_source(cell))
            rows.append(Row(chr(ord("A") + written), m["grade_id"], m.get("points", 0),
                            "written", "not answered yet" if blank else "answered"))
            written += 1
    return sorted(rows, key=lambda r: r.status == "written")  # code exercises first


def _points(x):
    return f"{x:g}"


def _table(name, rows):
    auto = [r for r in rows if r.status != "written"]
    lines = [f"Progress in {name}: the visible tests, run now on the code in this kernel.",
             ""]
    width = max([len("exercise")] + [len(r.exercise) for r in rows])
    lines.append(f"  {'#':>2}  {'exercise':<{width}}  points  visible tests")
    for r in rows:
        status = (f"written answer, graded by a TA: {r.detail}" if r.status == "written"
                  else f"{r.status}: {r.detail}" if r.detail else r.status)
        lines.append(f"  {r.number:>2}  {r.exercise:<{width}}  {_points(r.points):>6}  "
                     f"{status}")
    passed = sum(r.points for r in auto if r.status == "passed")
    total = sum(r.points for r in auto)
    by_hand = sum(r.points for r in rows if r.status == "written")
    lines += ["", f"Visible tests pass for {_points(passed)} of {_points(total)} autograded "
                  "points" + (f" (+ {_points(by_hand)} points for written answers)."
                              if by_hand else ".")]
    lines += textwrap.wrap(
        "Hidden tests run only when the notebook is graded. The exercises are read from "
        f"{name}.ipynb as last saved; the code tested is what this kernel has run (run "
        "your cells, or Run All, first).", WIDTH)
    return "\n".join(lines)


def show_progress(notebook, namespace=None):
    """Print the progress table of ``notebook`` (e.g. "01_gradients"); never raises.

    namespace: where the notebook's code ran; default: the running IPython
    kernel's namespace (in plain Python: the caller's globals).
    """
    try:
        if namespace is None:
            namespace = _kernel.user_namespace()
        rows = progress(notebook, namespace)
        if not rows:
            print(f"{notebook} has no exercises to check.")
            return
        # one write: a kernel may otherwise send the last newline as an output of its own
        sys.stdout.write(_table(Path(notebook).stem, rows) + "\n")
    except FileNotFoundError:
        print(f"show_progress could not find {notebook}.ipynb in the kernel's working "
              "directory: open the notebook from its own folder, and save it first.")
    except Exception as err:  # the table is a convenience: it must never fail a notebook
        print(f"show_progress could not run: {type(err).__name__}: {err}")
