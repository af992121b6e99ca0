"""The TA's two documents: the integrity report of an assignment, and grades.csv.

integrity.md lists every held submission with each flag and its evidence,
every ungraded one with its reason, and the notes (renamed notebooks,
restored cells, exercises lost to a dead kernel ...).  grades.csv has one row
per student and assignment with a status column: an ungraded or held
submission shows no score, never a 0.
"""

import csv
import json
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from course_grader.record import results_path

__all__ = ["write_grades", "write_integrity_report"]

UNSANDBOXED = ("WARNING: graded WITHOUT a sandbox (--unsandboxed). Student code ran with your "
               "permissions and could have changed anything you can change.\n\n")


def write_integrity_report(coursedir, assignment, results):
    """reports/<assignment>/integrity.md; returns its path."""
    lines = [f"# Integrity report: {assignment}", ""]
    if any(not r["sandboxed"] for r in results.values()):
        lines.append(UNSANDBOXED)
    counts = {s: sum(1 for r in results.values() if r["status"] == s)
              for s in ("graded", "held", "ungraded")}
    lines.append(f"{len(results)} submissions: {counts['graded']} graded, {counts['held']} held "
                 f"for review, {counts['ungraded']} ungraded.")
    lines.append("")
    lines.append("Held: the score waits for you. Every graded cell of the submission is marked "
                 "as needing manual grading, so Formgrader lists it; grade or confirm the cells "
                 "there after reading the evidence below.")
    for title, status in (("Held for review", "held"), ("Ungraded", "ungraded")):
        chosen = [r for s, r in sorted(results.items()) if r["status"] == status]
        lines += ["", f"## {title} ({len(chosen)})", ""]
        for r in chosen:
            lines.append(f"### {r['student']}")
            if r["reason"]:
                lines.append(f"- reason: {r['reason']}")
            for flag in r["flags"]:
                where = f" (cell {flag['cell']})" if flag["cell"] is not None else ""
                lines.append(f"- **{flag['kind']}**{where}: {flag['detail']}")
            lines.append("")
    noted = [r for s, r in sorted(results.items()) if r["notes"]]
    lines += ["", f"## Notes ({len(noted)})", ""]
    for r in noted:
        lines.append(f"- {r['student']}: " + "; ".join(r["notes"]))
    path = results_path(coursedir, assignment).with_name("integrity.md")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    return path


def write_grades(coursedir, out="grades.csv"):
    """grades.csv for every assignment in the gradebook; returns its path.

    Columns: assignment, student_id, status (graded, held, ungraded, missing),
    score (empty unless graded), max_score, auto_score, needs_manual_grade, flags, notes.
    """
    out = Path(coursedir.root) / out
    rows = []
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        for assignment in gb.assignments:
            path = results_path(coursedir, assignment.name)
            results = json.loads(path.read_text()) if path.exists() else {}
            for student in gb.students:
                rows.append(_row(gb, assignment, student.id, results.get(student.id)))
            for sid, r in sorted(results.items()):
                if r["status"] == "ungraded" and not any(x[1] == sid for x in rows):
                    rows.append(_row(gb, assignment, sid, r))
    with open(out, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["assignment", "student_id", "status", "score", "max_score",
                         "auto_score", "needs_manual_grade", "flags", "notes"])
        writer.writerows(sorted(rows, key=lambda r: (r[0], r[1])))
    return out


def _row(gb, assignment, student_id, result):
    try:
        submission = gb.find_submission(assignment.name, student_id)
    except MissingEntry:
        submission = None
    status = result["status"] if result else ("missing" if submission is None else "graded")
    notes = "; ".join(([result["reason"]] if result and result["reason"] else [])
                      + (result["notes"] if result else []))
    flags = "; ".join(f"{f['kind']}: {f['detail']}" for f in result["flags"]) if result else ""
    if submission is None or status == "ungraded":
        return [assignment.name, student_id, status, "", assignment.max_score, "", "", flags,
                notes]
    if status == "held" and not submission.needs_manual_grade:
        status = "graded"  # a TA reviewed every held cell in Formgrader
    score = submission.score if status == "graded" else ""
    return [assignment.name, student_id, status, score, submission.max_score,
            sum(g.auto_score or 0 for nb in submission.notebooks for g in nb.grades),
            submission.needs_manual_grade, flags, notes]
