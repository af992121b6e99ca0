"""Feedback pages that show no hidden test and no solution, whatever the student did.

nbgrader's ClearHiddenTests removes the hidden region from a test cell's
*source* by its markers; a student's own text "BEGIN HIDDEN TESTS" breaks it,
and it leaves the *outputs* alone, where a traceback or a print can quote a
hidden line.  Here instead:

- every test cell shows the student version's source (the release notebook),
  so no marker is parsed at all;
- every output line that contains a line of a hidden test or of a solution
  is replaced by a note, in every output type;
- student markdown and HTML outputs go through nbconvert's bleach cleaner,
  and outputs that can carry script (JavaScript, SVG) are dropped, so
  student text cannot add markup or scripts to the page.

The page itself is nbgrader's feedback template, with the scores read from
the gradebook by nbgrader's GetGrades.
"""

import os
from pathlib import Path

import nbformat
from jupyter_core.paths import jupyter_config_dir
from nbconvert.exporters import HTMLExporter
from nbconvert.filters.strings import clean_html
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import GetGrades, NbGraderPreprocessor
from traitlets.config import Config

__all__ = ["generate_feedback", "secret_lines"]

# output types a student's code could fill with script: dropped, or cleaned by bleach
ACTIVE = {"application/javascript", "text/javascript", "image/svg+xml"}
MARKUP = {"text/html", "text/markdown"}
REMOVED = "[line removed: it quotes a hidden test or a solution]"
SOLUTION = ("### BEGIN SOLUTION", "### END SOLUTION")


def secret_lines(spec, source_dir):
    """Hidden-test lines (from the spec) and solution lines (from the source notebooks)."""
    secret = set(spec.hidden_lines())
    for name, nbspec in spec.notebooks.items():
        release = {line.strip() for c in nbspec.release_nb().cells
                   for line in c.source.splitlines()}
        source = nbformat.read(Path(source_dir) / f"{name}.ipynb", as_version=4)
        for cell in source.cells:
            meta = cell.metadata.get("nbgrader", {})
            if not meta.get("solution"):
                continue
            inside = cell.cell_type != "code"  # a model answer: all of it
            for line in cell.source.splitlines():
                if line.strip() in SOLUTION:
                    inside = line.strip() == SOLUTION[0]
                elif inside and len(line.strip()) > 8 and line.strip() not in release:
                    secret.add(line.strip())
    return secret


class ShowNoSecrets(NbGraderPreprocessor):
    """Test cells as released; output lines quoting a secret line replaced."""

    def preprocess(self, nb, resources):
        self._release = resources["course_grader"]["release"]
        self._secret = resources["course_grader"]["secret"]
        self._texts = resources["course_grader"]["texts"]
        return super().preprocess(nb, resources)

    def _clean(self, text):
        return "\n".join(REMOVED if any(s in line for s in self._secret) else line
                         for line in text.split("\n"))

    def preprocess_cell(self, cell, resources, index):
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution"):
            cell.source = self._release.get(meta.get("grade_id"), "")
        if cell.cell_type == "markdown" and cell.source not in self._texts:
            cell.source = clean_html(cell.source)  # the student's text: no tags that act
        for out in cell.get("outputs", []):
            if "text" in out:
                out.text = self._clean(out.text)
            if "traceback" in out:
                out.traceback = [self._clean(t) for t in out.traceback]
                out.evalue = self._clean(out.get("evalue", ""))
            data = out.get("data", {})
            for mime in list(data):
                if mime in ACTIVE:
                    del data[mime]
                elif isinstance(data[mime], str) and not mime.startswith("image/"):
                    data[mime] = self._clean(data[mime])
                    if mime in MARKUP:
                        data[mime] = clean_html(data[mime])
        return cell, resources


def _exporter():
    import nbgrader

    base = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader"
    c = Config()
    c.HTMLExporter.template_name = "feedback"
    c.HTMLExporter.extra_template_basedirs = [str(base / "templates")]
    c.HTMLExporter.extra_template_paths = [
        str(base / "static" / "node_modules" / "bootstrap" / "dist" / "css")]
    return HTMLExporter(config=c)


def generate_feedback(coursedir, spec, students, secret):
    """feedback/<student>/<assignment>/<notebook>.html for each student; returns paths."""
    exporter = _exporter()
    written = []
    for student in students:
        for name, nbspec in spec.notebooks.items():
            src = Path(coursedir.format_path(coursedir.autograded_directory, student,
                                             spec.name)) / f"{name}.ipynb"
            if not src.exists():
                continue
            nb = nbformat.read(src, as_version=4)
            cells = nbspec.release_nb().cells
            release = {c.metadata["nbgrader"]["grade_id"]: c.source for c in cells
                       if "grade_id" in c.metadata.get("nbgrader", {})}
            resources = {"nbgrader": {"notebook": name, "assignment": spec.name,
                                      "student": student, "db_url": coursedir.db_url},
                         "course_grader": {"release": release, "secret": secret,
                                           "texts": {c.source for c in cells}},
                         "config_dir": jupyter_config_dir()}
            for step in (GetGrades, ShowNoSecrets, CSSHTMLHeaderPreprocessor):
                nb, resources = step(enabled=True).preprocess(nb, resources)
            html, _ = exporter.from_notebook_node(nb, resources=resources)
            dest = Path(coursedir.format_path(coursedir.feedback_directory, student,
                                              spec.name)) / f"{name}.html"
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(html)
            os.chmod(dest, 0o644)
            written.append(dest)
    return written
