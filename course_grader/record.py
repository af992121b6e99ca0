"""The one writer: workers' results into nbgrader's gradebook and the reports.

Only the command's own process runs this, one result at a time, so the
gradebook has a single writer however many workers grade.  It writes what
nbgrader's SaveAutoGrades would (auto scores, "No response." comments), plus:

- a flagged submission is *held*: every graded cell needs manual grading, so
  Formgrader lists it, and the integrity report says why;
- an ungraded submission gets no grades at all (it is not a 0), and its
  reason goes to the report and to grades.csv;
- the autograded notebook lands where Formgrader and feedback look for it.
"""

import json
import warnings
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from sqlalchemy.exc import SAWarning

__all__ = ["Recorder", "results_path"]


def results_path(coursedir, assignment):
    return Path(coursedir.root) / "reports" / assignment / "results.json"


def held(result):
    return any(flag["hold"] for flag in result["flags"])


def status_of(result):
    if result["status"] == "ungraded":
        return "ungraded"
    return "held" if held(result) else "graded"


class Recorder:
    """Writes results as they arrive; ``close`` writes results.json."""

    def __init__(self, coursedir, assignment):
        self.coursedir, self.assignment = coursedir, assignment
        path = results_path(coursedir, assignment)
        self.results = json.loads(path.read_text()) if path.exists() else {}

    def add(self, result, timestamp=None):
        student = result["student"]
        summary = {k: v for k, v in result.items() if k != "notebooks"}
        summary["status"] = status_of(result)
        summary["notebooks"] = {name: {k: v for k, v in nb.items() if k != "autograded"}
                                for name, nb in result["notebooks"].items()}
        self.results[student] = summary
        if result["status"] == "ungraded":
            return summary
        # one session per step, as nbgrader's own autograde does
        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
            gb.update_or_create_student(student)
        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
            kw = {"timestamp": timestamp} if timestamp else {}
            with warnings.catch_warnings():  # nbgrader's own autoflush warnings
                warnings.simplefilter("ignore", SAWarning)
                gb.update_or_create_submission(self.assignment, student, **kw)
        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
            for name, nb in result["notebooks"].items():
                if "ungraded" in nb:
                    continue
                self._grades(gb, student, name, nb, held(result))
                self._notebook(student, name, nb["autograded"])
        return summary

    def _grades(self, gb, student, name, nb, hold):
        submission = gb.find_submission_notebook(name, self.assignment, student)
        for grade in submission.grades:
            if grade.name not in nb["scores"]:
                continue
            grade.auto_score = nb["scores"][grade.name][0]
            grade.needs_manual_grade = bool(hold or grade.auto_score is None
                                            or grade.manual_score is not None)
        for comment in submission.comments:
            try:
                comment.auto_comment = ("No response." if comment.name in nb["no_response"]
                                        else None)
            except MissingEntry:
                pass
        gb.db.commit()

    def _notebook(self, student, name, nb):
        folder = Path(self.coursedir.format_path(self.coursedir.autograded_directory,
                                                 student, self.assignment))
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nbformat.from_dict(nb), folder / f"{name}.ipynb")

    def close(self):
        path = results_path(self.coursedir, self.assignment)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.results, indent=1, sort_keys=True))
        return path
