"""The book's pages are the student version, with only the outputs that reveal no answer."""

import io
import re
import tokenize

import nbformat
import pytest
from course import (
    ASSIGNMENTS,
    HIDDEN_MARKERS,
    ROOT,
    SOLUTION_MARKERS,
    is_solution,
    is_test,
    load_config,
    secret_lines,
)
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from course_book.student import HIDDEN_OUTPUT_NOTE, answer_dependent_cells, student_page


def source(assignment):
    return nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)


def release(assignment):
    return nbformat.read(ROOT / "notebooks" / assignment / f"{assignment}.ipynb", as_version=4)


def page(assignment):
    return student_page(source(assignment), load_config(ROOT))


def shown_text(nb):
    """Everything of a notebook that the book can show: sources and outputs."""
    parts = []
    for cell in nb.cells:
        parts.append(cell.source)
        for out in cell.get("outputs", []):
            parts.append(out.get("text", ""))
            parts.extend(str(value) for value in out.get("data", {}).values())
    return "\n".join(parts)


def names_used(source):
    """The names in Python code, but attributes (``x.name``), strings and comments."""
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    return {token.string for before, token in zip([None] + tokens, tokens)
            if token.type == tokenize.NAME and not (before and before.string == ".")}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_a_page_has_the_sources_of_the_student_version(assignment):
    # nbgrader's generate_assignment made notebooks/; the page must hold the same cells.
    shown, released = page(assignment), release(assignment)
    assert [(c.cell_type, c.source) for c in shown.cells] == \
        [(c.cell_type, c.source) for c in released.cells]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_a_page_shows_no_solution_hidden_test_or_model_answer(assignment):
    text = shown_text(page(assignment))
    assert not secret_lines(source(assignment)) & {line.strip() for line in text.splitlines()}
    for marker in SOLUTION_MARKERS + HIDDEN_MARKERS + ("Model answer",):
        assert marker not in text


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_a_page_keeps_the_outputs_of_no_cell_that_uses_a_solution(assignment):
    # A simpler rule than the book's, as a cross-check: no cell that uses a name
    # defined in a solution cell, and no solution or test cell, keeps an output.
    nb = source(assignment)
    defined = {name for cell in nb.cells if is_solution(cell) and cell.cell_type == "code"
               for name in re.findall(r"^\s*def (\w+)", cell.source, re.MULTILINE)}
    for cell, shown in zip(nb.cells, page(assignment).cells):
        if cell.cell_type != "code":
            continue
        uses = defined & names_used(cell.source)
        if is_solution(cell) or is_test(cell):
            assert shown.outputs == []
        elif uses and cell.outputs:
            assert [o.data for o in shown.outputs] == [{"text/markdown": HIDDEN_OUTPUT_NOTE}]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_a_page_keeps_the_other_outputs_as_stored(assignment):
    nb, shown = source(assignment), page(assignment)
    dependent = answer_dependent_cells(nb)
    for index, (cell, shown_cell) in enumerate(zip(nb.cells, shown.cells)):
        if cell.cell_type == "code" and index not in dependent:
            assert shown_cell.outputs == cell.outputs


def test_the_course_keeps_its_plots_and_graph_drawings():
    images = sum("image/png" in out.get("data", {}) or "image/svg+xml" in out.get("data", {})
                 for a in ASSIGNMENTS for cell in page(a).cells for out in cell.get("outputs", []))
    assert images >= len(ASSIGNMENTS)


# --- the rule, cell by cell, on small notebooks ---------------------------------------

def solution(source):
    return new_code_cell(source, metadata={"nbgrader": {
        "solution": True, "grade": False, "locked": False, "grade_id": "ex", "schema_version": 3}})


def graded_test_cell(source):
    return new_code_cell(source, metadata={"nbgrader": {
        "solution": False, "grade": True, "locked": True, "points": 1, "grade_id": "ex_test",
        "schema_version": 3}})


ANSWER = solution("def answer(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION")

RULE_CASES = {
    # name: cells after the solution cell, and which of them keep their outputs
    "a cell that calls a solution": (["print(answer(1))"], [False]),
    "a cell that uses no answer": (["print(3)"], [True]),
    "a value computed from an answer": (["y = answer(1)", "print(y + 1)"], [False, False]),
    "a function that calls a solution, and its callers": (
        ["def twice(x):\n    return answer(answer(x))", "print(twice(1))"], [False, False]),
    "a variable changed in place": (
        ["results = []", "results.append(answer(1))", "print(results)"], [True, False, False]),
    "a name rebound from answer-free values": (
        ["y = answer(1)", "y = 2", "print(y)"], [False, True, True]),
    "a function passed to a solution stays answer-free": (
        ["def f(x):\n    return x", "answer(f)", "print(f(1))"], [True, False, True]),
    "a local variable is not the notebook's": (
        ["y = answer(1)", "def g():\n    y = 5\n    return y", "print(g())"], [False, True, True]),
    "statements of one cell are read in order": (
        ["z = 4\nprint(answer(z))", "print(z)"], [False, False]),
    "a name bound before the answer-dependent statement": (
        ["w = 4\nprint(answer(1))", "print(w)"], [False, True]),
    "a magic's argument": (["%time answer(1)"], [False]),
    "an answer inside a comprehension": (["print([answer(i) for i in range(2)])"], [False]),
}


@pytest.mark.parametrize("case", RULE_CASES)
def test_the_output_rule(case):
    sources, keeps = RULE_CASES[case]
    cells = [new_code_cell(s, outputs=[new_output("stream", name="stdout", text="out\n")])
             for s in sources]
    nb = new_notebook(cells=[ANSWER] + cells)
    dependent = answer_dependent_cells(nb)
    assert [index not in dependent for index in range(1, len(nb.cells))] == keeps


def test_solution_and_test_cells_show_no_output_but_their_imports_taint_nothing():
    nb = new_notebook(cells=[
        ANSWER, graded_test_cell("import math\nassert answer(1) == 2\nprint('passed')"),
        new_code_cell("print(math.pi)"), new_markdown_cell("**Model answer.**")])
    for cell in nb.cells[:2]:
        cell.outputs = [new_output("stream", name="stdout", text="passed\n")]
    assert answer_dependent_cells(nb) == [0, 1]


def test_a_page_replaces_a_dependent_output_by_a_note_and_stubs_the_solution():
    nb = new_notebook(cells=[ANSWER, new_code_cell(
        "print(answer(1))", outputs=[new_output("stream", name="stdout", text="2\n")])])
    shown = student_page(nb)
    assert "return 2 * x" not in shown.cells[0].source
    assert "raise NotImplementedError()" in shown.cells[0].source
    assert shown.cells[1].outputs[0].data == {"text/markdown": HIDDEN_OUTPUT_NOTE}
    assert nb.cells[1].outputs[0].text == "2\n"  # the caller's notebook is left as it was
