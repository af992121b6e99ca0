"""What a worker needs to know about an assignment, as plain data.

The command reads it once from the gradebook (the cells nbgrader saved when it
generated the assignment, hidden tests included) and from the release folder
(the student version and its data files), and sends it to every worker.
Workers never open the gradebook: on Dask they may not even see it.
"""

from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import nbformat
from nbgrader.api import Gradebook

__all__ = ["AssignmentSpec", "SpecBook", "hidden_lines", "load_spec"]

HIDDEN = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


@dataclass
class NotebookSpec:
    name: str
    release: dict                  # the student version, as nbformat JSON
    source_cells: list             # gradebook source cells: name, cell_type, source, ...
    grade_cells: dict              # grade_id -> max_score
    solution_cells: list           # grade_ids
    task_cells: dict               # grade_id -> max_score
    kernelspec: str = None         # as nbgrader stores it: JSON text

    def release_nb(self):
        return nbformat.from_dict(self.release)


@dataclass
class AssignmentSpec:
    name: str
    notebooks: dict                # notebook name -> NotebookSpec
    files: dict                    # data files of the release folder: relative path -> bytes
    timeout: int = 30              # seconds per cell

    def hidden_lines(self):
        """Every line of a hidden test, stripped (for leak checks); short ones left out."""
        return {line for nb in self.notebooks.values() for cell in nb.source_cells
                for line in hidden_lines(cell["source"])}


def hidden_lines(source):
    lines, inside = [], False
    for line in source.splitlines():
        if HIDDEN[0] in line:
            inside = True
        elif HIDDEN[1] in line:
            inside = False
        elif inside and len(line.strip()) > 8:
            lines.append(line.strip())
    return lines


def load_spec(coursedir, assignment, timeout=30):
    """Read the assignment from the gradebook and the release folder."""
    release_dir = Path(coursedir.format_path(coursedir.release_directory, ".", assignment))
    notebooks = {}
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        for nb in gb.find_assignment(assignment).notebooks:
            path = release_dir / f"{nb.name}.ipynb"
            notebooks[nb.name] = NotebookSpec(
                name=nb.name,
                release=nbformat.read(path, as_version=4),
                source_cells=[dict(name=c.name, cell_type=c.cell_type, source=c.source,
                                   checksum=c.checksum, locked=c.locked)
                              for c in nb.source_cells],
                grade_cells={c.name: c.max_score for c in nb.grade_cells},
                solution_cells=[c.name for c in nb.solution_cells],
                task_cells={c.name: c.max_score for c in nb.task_cells},
                kernelspec=nb.kernelspec,
            )
    files = {str(p.relative_to(release_dir)): p.read_bytes()
             for p in sorted(release_dir.rglob("*"))
             if p.is_file() and p.suffix != ".ipynb" and ".ipynb_checkpoints" not in p.parts}
    return AssignmentSpec(assignment, notebooks, files, timeout)


class SpecBook:
    """The few Gradebook queries nbgrader's OverwriteCells makes, answered from a spec."""

    def __init__(self, spec):
        self.spec = spec

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def _nb(self, notebook):
        return self.spec.notebooks[notebook]

    def find_source_cell(self, name, notebook, assignment):
        from nbgrader.api import MissingEntry

        for cell in self._nb(notebook).source_cells:
            if cell["name"] == name:
                return SimpleNamespace(**cell)
        raise MissingEntry()

    def find_graded_cell(self, name, notebook, assignment):
        from nbgrader.api import MissingEntry

        nb = self._nb(notebook)
        if name in nb.grade_cells:
            return SimpleNamespace(name=name, max_score=nb.grade_cells[name])
        if name in nb.task_cells:
            return SimpleNamespace(name=name, max_score=nb.task_cells[name])
        raise MissingEntry()

    def find_notebook(self, notebook, assignment):
        nb = self._nb(notebook)
        return SimpleNamespace(
            source_cells=[SimpleNamespace(**c) for c in nb.source_cells],
            grade_cells=[SimpleNamespace(name=k, max_score=v) for k, v in nb.grade_cells.items()],
            solution_cells=[SimpleNamespace(name=k) for k in nb.solution_cells],
            task_cells=[SimpleNamespace(name=k, max_score=v) for k, v in nb.task_cells.items()],
            kernelspec=nb.kernelspec,
        )
