"""In a real kernel: a test cell says why its function does not exist, and
show_progress reports every exercise without failing or writing to stderr.

One small notebook with nbgrader metadata runs once in an IPython kernel
(nbclient, as nbval, Validate and autograde run notebooks), from its own folder.
"""

import re

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook


def graded(cell, grade_id, points=None, solution=False):
    cell.metadata["nbgrader"] = {"grade": points is not None, "grade_id": grade_id,
                                 "locked": points is not None and not solution,
                                 "schema_version": 3, "solution": solution,
                                 **({"points": points} if points is not None else {})}
    return cell


def check_source(name, call):
    """A test cell's source: a visible check, then a hidden one that would fail."""
    return (f"# Test: {name}\nfrom course_lib.check import check_function\n"
            f"check_function({name}, {call})\n"
            "### BEGIN HIDDEN TESTS\n"
            f"check_function({name}, [100.0], expected=[-1.0], hidden=True)\n"
            "print('HIDDEN TEST RAN')\n"
            "### END HIDDEN TESTS\n"
            f"print('{name}: tests passed')")


CELLS = {
    "imports": new_code_cell("import course_lib\nimport course_lib.progress\n"
                             "course_lib.progress.TIME_LIMIT = 1"),
    # exercise 1: a syntax error in the answer cell
    "broken": graded(new_code_cell("def broken(x)\n    return x"), "broken", solution=True),
    "broken_test": graded(new_code_cell(check_source("broken", "[1.0], expected=[1.0]")),
                          "broken_test", points=2),
    # exercise 2: the answer cell fails at run time, before defining its function
    "crashing": graded(new_code_cell("import numpy as np\nscale = np.ones(3) @ np.ones(4)\n"
                                     "def crashing(x):\n    return scale * x"),
                       "crashing", solution=True),
    "crashing_test": graded(new_code_cell(check_source("crashing", "[1.0], expected=[1.0]")),
                            "crashing_test", points=3),
    # exercise 3: right (its hidden test would fail, but progress never runs it)
    "right": graded(new_code_cell("def right(x):\n    return x"), "right", solution=True),
    "right_test": graded(new_code_cell(check_source("right", "[1.0, 2.0], expected=[1.0, 2.0]")),
                         "right_test", points=1),
    # exercise 4: the stub; exercise 5: an endless loop
    "stub": graded(new_code_cell("def stub(x):\n    raise NotImplementedError()"), "stub",
                   solution=True),
    "stub_test": graded(new_code_cell(check_source("stub", "[1.0], expected=[1.0]")),
                        "stub_test", points=2),
    "endless": graded(new_code_cell("def endless(x):\n    while True:\n        pass"),
                      "endless", solution=True),
    "endless_test": graded(new_code_cell(check_source("endless", "[1.0], expected=[1.0]")),
                           "endless_test", points=1),
    "written": graded(new_markdown_cell("YOUR ANSWER HERE"), "written", points=2,
                      solution=True),
    "undefined": new_code_cell("never_defined + 1"),
    # exercise 1 fixed later in the kernel
    "fixed": new_code_cell("def broken(x):\n    return x"),
    "fixed_test": new_code_cell("from course_lib.check import call\nprint(call(broken, 5))"),
    "progress": new_code_cell('from course_lib.progress import show_progress\n'
                              'show_progress("kernel_cells")'),
}
NOT_RUN = {"endless_test"}  # in the saved file, so show_progress runs it; it would loop here


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kernel_cells")
    nbformat.write(new_notebook(cells=list(CELLS.values())), folder / "kernel_cells.ipynb")
    keys = [k for k in CELLS if k not in NOT_RUN]
    run = new_notebook(cells=[nbformat.from_dict(CELLS[k]) for k in keys])
    NotebookClient(run, timeout=60, allow_errors=True,
                   resources={"metadata": {"path": str(folder)}}).execute()
    return dict(zip(keys, run.cells))


def shown(cell):
    texts = [o.get("text", "") or "\n".join(o.get("traceback", [])) for o in cell.outputs]
    return re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(texts))


def errors(cell):
    return [o for o in cell.outputs if o.output_type == "error"]


def test_a_syntax_error_in_the_answer_cell_is_named_in_its_test_cell(executed):
    cell = executed["broken_test"]
    message = " ".join(shown(cell).split())
    assert [e.ename for e in errors(cell)] == ["NameError"]  # the test cell still fails
    assert ("The cell above that defines broken did not run: SyntaxError at line 1: "
            "expected ':' def broken(x)") in message
    assert "Fix that cell and run it" in message
    assert "Traceback" not in message and "HIDDEN" not in message


def test_a_runtime_error_in_the_answer_cell_is_named_with_its_line(executed):
    message = " ".join(shown(executed["crashing_test"]).split())
    assert ("defines crashing did not run: ValueError at line 2: a matrix product A @ B "
            "does not fit: A has 3 columns but B has 4 rows") in message


def test_a_name_defined_nowhere_keeps_its_traceback_and_gets_a_hint(executed):
    message = shown(executed["undefined"])
    assert "NameError" in message and "Traceback" in message
    assert "If never_defined is defined in a cell above, run that cell first" in message


def test_a_fixed_cell_is_no_longer_reported(executed):
    assert shown(executed["fixed_test"]).strip() == "5"


def test_the_progress_table_in_a_kernel(executed):
    cell = executed["progress"]
    assert not errors(cell)
    assert {o.name for o in cell.outputs if o.output_type == "stream"} == {"stdout"}
    table = shown(cell)
    rows = {line.split()[1]: line for line in table.splitlines()
            if re.match(r"\s+(\d|[A-Z])\s", line)}
    assert "passed" in rows["right"] and "not written yet" in rows["stub"]
    assert "failing: endless(1.0) was stopped" in rows["endless"]  # saved, not run: still run
    assert "passed" in rows["broken"]  # fixed later in the kernel: the kernel counts
    assert "not run yet: its cell failed: ValueError at line 2" in rows["crashing"]
    assert "not answered yet" in rows["written"]
    assert "Visible tests pass for 3 of 9 autograded points (+ 2 points for written" in table
    assert "HIDDEN" not in table and "tests passed" not in table
