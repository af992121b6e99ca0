"""The student-safe version of a solution notebook, with the outputs that reveal no answer.

The book shows what a student gets, made by nbgrader's own steps as
``generate_assignment`` runs them: ``ClearSolutions`` puts the stub in place of
every solution and "YOUR ANSWER HERE" in place of every model answer,
``ClearHiddenTests`` removes the hidden tests, ``ClearMarkScheme`` any marking
scheme.  ``generate_assignment`` also clears every output; a reader of the
book should still see the plots and graph drawings, so the book keeps each
stored output that reveals no answer, and ``ClearAnswerOutputs`` removes the
others.  Its rule:

1. The statements of a cell are its top-level statements (an assignment, a
   loop, a function definition, ...).  A statement is *answer-dependent* when it
   stands in a solution cell or a test cell, or refers to an answer-dependent
   name anywhere in it (inside a function body, too).
2. The names that an answer-dependent statement binds become answer-dependent
   (not by an import: a module does not depend on an answer), and so do the
   variables it refers to, since it may have changed them in place
   (``results.append(grad_f(x))``); not functions, classes and modules, which
   it only calls.
3. A statement that binds a name and is not answer-dependent makes that name
   answer-free again.
4. A cell shows its stored outputs only if none of its statements is
   answer-dependent: never a solution cell or a test cell.

Names are found by Python's own symbol tables (``symtable``), so a function's
local variables are not mistaken for the notebook's.  A cell with IPython
magics is read as one statement that refers to every identifier in its text,
since a magic's argument is a string to the compiler.  A cell that loses its
output gets a one-line note instead (unless it is an exercise or a test).
"""

import ast
import re
import symtable

import nbformat
from IPython.core.inputtransformer2 import TransformerManager
from nbgrader import utils
from nbgrader.preprocessors import ClearHiddenTests, ClearMarkScheme, ClearSolutions
from nbgrader.preprocessors import NbGraderPreprocessor

__all__ = ["ClearAnswerOutputs", "HIDDEN_OUTPUT_NOTE", "answer_dependent_cells",
           "student_page"]

HIDDEN_OUTPUT_NOTE = ("*Output not shown here: it depends on your answer to an exercise. "
                      "Run the notebook to see it.*")

_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")


def _symbols(python):
    """(references, bindings) of Python code: the global names it reads, and
    {name: kind} of those it binds, kind 'import', 'code' (def, class) or 'value'."""
    top = symtable.symtable(python, "<cell>", "exec")
    references, bindings = set(), {}
    for symbol in top.get_symbols():
        name = symbol.get_name()
        if symbol.is_referenced():
            references.add(name)
        if symbol.is_namespace():
            bindings[name] = "code"
        elif symbol.is_assigned():
            bindings[name] = "value"
        elif symbol.is_imported():
            bindings[name] = "import"
    tables = list(top.get_children())
    while tables:  # functions, classes and comprehensions, at any depth
        table = tables.pop()
        tables.extend(table.get_children())
        for symbol in table.get_symbols():
            if symbol.is_global() and symbol.is_referenced():
                references.add(symbol.get_name())
            if symbol.is_declared_global() and symbol.is_assigned():
                bindings[symbol.get_name()] = "value"
    return references, bindings


def _statements(source):
    """(references, bindings) of each top-level statement of a code cell."""
    python = TransformerManager().transform_cell(source)
    if python.strip() != source.strip():  # a magic or shell escape: its text is a string
        references, bindings = _symbols(python)
        return [(references | set(_IDENTIFIER.findall(source)), bindings)]
    return [_symbols(ast.unparse(statement)) for statement in ast.parse(python).body]


def _is_exercise(cell):
    """A solution cell or a test cell (graded, not a solution)."""
    return utils.is_solution(cell) or utils.is_grade(cell)


def answer_dependent_cells(nb):
    """Indices of the code cells whose stored outputs depend on an answer (the rule above)."""
    dependent, kinds, cells = set(), {}, []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        exercise = _is_exercise(cell)
        for references, bindings in _statements(cell.source):
            if exercise or references & dependent:
                if index not in cells:
                    cells.append(index)
                dependent |= {name for name, kind in bindings.items() if kind != "import"}
                dependent |= {name for name in references if kinds.get(name) == "value"}
            else:
                dependent -= set(bindings)
            dependent -= {name for name, kind in bindings.items() if kind == "import"}
            kinds.update(bindings)
        if exercise and index not in cells:  # a test cell with no statement at all
            cells.append(index)
    return cells


class ClearAnswerOutputs(NbGraderPreprocessor):
    """Remove the outputs of the cells that ``answer_dependent_cells`` names.

    Runs on the source notebook, before ``ClearSolutions``: the rule needs the
    names that the reference solutions bind.
    """

    def preprocess(self, nb, resources):
        for index in answer_dependent_cells(nb):
            cell = nb.cells[index]
            cell.outputs = [] if _is_exercise(cell) or not cell.outputs else [
                nbformat.v4.new_output("display_data", {"text/markdown": HIDDEN_OUTPUT_NOTE})]
            cell.execution_count = None
        return nb, resources


# The order matters: ClearAnswerOutputs must see the solutions.
STEPS = [ClearAnswerOutputs, ClearSolutions, ClearHiddenTests, ClearMarkScheme]


def student_page(nb, config=None):
    """A copy of source notebook ``nb`` as the book shows it.  ``config``: the
    course's nbgrader configuration (its stubs and delimiters), or nbgrader's defaults."""
    nb = nbformat.from_dict(nb)  # a deep copy: the caller's notebook stays as it was
    resources = {}
    for step in STEPS:
        nb, resources = step(config=config).preprocess(nb, resources)
    return nb
