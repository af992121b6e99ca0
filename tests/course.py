"""A temporary nbgrader course built from this repository, for tests.

The tests grade real submissions with nbgrader's own API and the course's own
nbgrader_config.py; only the course root moves to a temporary folder.
"""

import html
import os
import re
import shutil
import sys
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI
from traitlets.config.loader import PyFileConfigLoader

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENTS = sorted(p.name for p in (ROOT / "solutions").iterdir()
                     if (p / f"{p.name}.ipynb").is_file())

# nbgrader runs `alembic` from PATH: make the running environment's bin visible.
os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")

SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")
HIDDEN_MARKERS = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")


def nbgrader_meta(cell):
    return cell.metadata.get("nbgrader", {})


def is_solution(cell):
    return nbgrader_meta(cell).get("solution", False)


def is_test(cell):
    meta = nbgrader_meta(cell)
    return meta.get("grade", False) and not meta.get("solution", False)


def split_regions(source, markers):
    """(inside, outside): lines between each pair of markers, and all other lines
    (the marker lines themselves belong to neither)."""
    inside, outside, within = [], [], False
    for line in source.splitlines():
        if line.strip() in markers:
            within = line.strip() == markers[0]
        else:
            (inside if within else outside).append(line)
    return inside, outside


def regions(source, markers):
    """Lines strictly between each pair of markers."""
    return split_regions(source, markers)[0]


def secret_lines(nb, answers=True):
    """Lines a student must never see: hidden tests and (if ``answers``) solutions
    and model answers.  Lines that also stand outside those regions do not count
    (a closing bracket, a repeated keyword argument), nor do short ones."""
    public, secret = set(), set()
    for cell in nb.cells:
        if is_test(cell):
            hidden, shown = split_regions(cell.source, HIDDEN_MARKERS)
            secret |= set(hidden)
            public |= set(shown)
        elif is_solution(cell) and cell.cell_type == "code":
            answer, shown = split_regions(cell.source, SOLUTION_MARKERS)
            secret |= set(answer) if answers else set()
            public |= set(shown)
        elif is_solution(cell):  # a written answer: all of it is the model answer
            secret |= set(cell.source.splitlines()) if answers else set()
        else:
            public |= set(cell.source.splitlines())
    strip = lambda lines: {line.strip() for line in lines}  # noqa: E731
    return {line for line in strip(secret) - strip(public) if len(line) > 8}


def without_markers(source):
    """The solution as a student would have typed it: the marker lines removed."""
    return "\n".join(line for line in source.splitlines()
                     if line.strip() not in SOLUTION_MARKERS)


def visible_text(html_doc):
    """The text a reader of an HTML page sees (tags removed, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", html_doc))


def load_config(root, **overrides):
    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    config.CourseDirectory.root = str(root)
    for section, values in overrides.items():
        for key, value in values.items():
            setattr(config[section], key, value)
    return config


def _generate(api, assignment):
    result = api.generate_assignment(assignment)
    assert result["success"], result["error"]


_GENERATED = {}


def _generated(assignment):
    """A folder with solutions/, notebooks/ and gradebook.db of one generate_assignment
    of this course's assignment, made once per test process: each generation costs
    seconds (nbgrader starts `alembic` for every new gradebook), and its result only
    depends on solutions/, which no test changes."""
    if assignment not in _GENERATED:
        import atexit
        import tempfile

        root = Path(tempfile.mkdtemp(prefix=f"generated-{assignment}-"))
        atexit.register(shutil.rmtree, root, ignore_errors=True)
        shutil.copytree(ROOT / "solutions" / assignment, root / "solutions" / assignment)
        _generate(NbGraderAPI(config=load_config(root)), assignment)
        _GENERATED[assignment] = root
    return _GENERATED[assignment]


class TempCourse:
    """One assignment of this course, released and graded in a temp folder.

    ``source``: the folder of the assignment's source notebook (default: this
    course's ``solutions/<assignment>``)."""

    def __init__(self, root, assignment, source=None, **config_overrides):
        self.root = Path(root)
        self.assignment = assignment
        if source is None:  # this course's assignment: a copy of its one generation
            shutil.copytree(_generated(assignment), self.root, dirs_exist_ok=True)
        else:
            shutil.copytree(source, self.root / "solutions" / assignment)
        self.api = NbGraderAPI(config=load_config(self.root, **config_overrides))
        if source is not None:
            _generate(self.api, assignment)

    def path(self, step, student=None):
        parts = [step] + ([student] if student else []) + [self.assignment]
        return self.root.joinpath(*parts, f"{self.assignment}.ipynb")

    def source(self):
        return nbformat.read(self.path("solutions"), as_version=4)

    def release(self):
        return nbformat.read(self.path("notebooks"), as_version=4)

    def solved(self):
        """The release version with every exercise answered as in the reference."""
        nb = self.release()
        answers = {nbgrader_meta(c)["grade_id"]: c.source
                   for c in self.source().cells if is_solution(c)}
        for cell in nb.cells:
            if is_solution(cell):
                cell.source = without_markers(answers[nbgrader_meta(cell)["grade_id"]])
        return nb

    def submit(self, student, nb):
        path = self.path("submitted", student)
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(nb, str):
            path.write_text(nb)
        else:
            nbformat.write(nb, path)

    def autograde(self, student):
        return self.api.autograde(self.assignment, student, force=True, create=True)

    def scores(self, student):
        """{grade_id: (auto_score, max_score)} of a student's autograded test cells."""
        with Gradebook(self.api.coursedir.db_url) as gb:
            nb = gb.find_submission_notebook(self.assignment, self.assignment, student)
            return {g.name: (g.auto_score, g.max_score) for g in nb.grades
                    if g.cell_type == "code"}

    def outputs(self, student, grade_id):
        """The text a student sees below one cell of their autograded notebook."""
        nb = nbformat.read(self.path("autograded", student), as_version=4)
        cell = next(c for c in nb.cells if nbgrader_meta(c).get("grade_id") == grade_id)
        texts = []
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                texts.append(out.text)
            elif out.output_type == "error":
                texts.append("\n".join(out.traceback))
        return re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(texts))

    def feedback(self, student):
        result = self.api.generate_feedback(self.assignment, student, force=True)
        assert result["success"], result["error"]
        path = self.root / "feedback" / student / self.assignment / f"{self.assignment}.html"
        return path.read_text()
