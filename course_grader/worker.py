"""Grade one submission, in isolation, and return the result as data.

A worker never writes the gradebook or the course tree: it gets the assignment
(an AssignmentSpec) and the student's files as bytes, works in a scratch
folder of its own, and returns a plain dict (picklable, for a process pool
or a Dask cluster):

    student, status ("graded" or "ungraded"), reason (why ungraded),
    sandboxed, notes (sentences for the TA), flags (findings, with evidence),
    notebooks: {name: {file, scores {grade_id: [auto_score, max_score]},
                       no_response [grade_ids], exercises {grade_id: status},
                       autograded (the executed notebook, nbformat JSON)}}

The pipeline reads top to bottom: pick the files, match the cells, nbgrader's
sanitize steps, execute, nbgrader's steps after execution, score, look for leaks.
"""

import shutil
import tempfile
import time
import traceback
from pathlib import Path

import nbformat
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader import utils
from nbgrader.preprocessors import IgnorePattern, LimitOutput

from course_grader import integrity
from course_grader.execute import run_notebook
from course_grader.integrity import Flag
from course_grader.nbgrader_steps import worker_sanitize_steps
from course_grader.submission import match_cells, pick_files

__all__ = ["grade_submission"]

# nbgrader's steps after Execute, without the two that write the gradebook
# (SaveAutoGrades, AssignLatePenalties: the command alone writes it).
AFTER_EXECUTE = [IgnorePattern, ClearMetadataPreprocessor, LimitOutput]


def grade_submission(spec, student, files, config, sandboxed=True, scratch_root=None):
    """Grade one student's files ({relative path: bytes}); never raises."""
    result = {"student": student, "status": "graded", "reason": None, "sandboxed": sandboxed,
              "notes": [], "flags": [], "notebooks": {}, "seconds": 0.0}
    start = time.monotonic()
    try:
        picked, notes = pick_files(files, spec)
        result["notes"] += notes
        for name, (path, nb, problem) in picked.items():
            if nb is None:
                result["notebooks"][name] = {"file": path, "ungraded": problem}
                continue
            scratch = Path(tempfile.mkdtemp(prefix="cg-", dir=scratch_root))
            try:
                result["notebooks"][name] = _grade_notebook(
                    spec, name, student, nb, config, scratch, sandboxed, result)
                result["notebooks"][name]["file"] = path
            finally:
                shutil.rmtree(scratch, ignore_errors=True)
    except Exception:  # a bug here must cost this student only, and say so
        result["notebooks"] = {}
        result["reason"] = "the grader failed: " + traceback.format_exc(limit=3)[-600:]
    graded = [nb for nb in result["notebooks"].values() if "ungraded" not in nb]
    if not graded:
        result["status"] = "ungraded"
        result["reason"] = result["reason"] or "; ".join(
            f"{name}: {nb['ungraded']}" for name, nb in result["notebooks"].items())
    if not sandboxed:
        result["notes"].append("graded WITHOUT a sandbox (--unsandboxed): the student's code "
                               "ran with the grader's permissions")
    result["seconds"] = round(time.monotonic() - start, 2)
    return result


def _grade_notebook(spec, name, student, nb, config, scratch, sandboxed, result):
    release = spec.notebooks[name].release_nb()
    result["notes"] += match_cells(nb, release)
    resources = {"nbgrader": {"notebook": name, "assignment": spec.name, "student": student,
                              "db_url": None},
                 "course_grader": {"spec": spec, "release": release}}
    try:
        for step in worker_sanitize_steps():
            nb, resources = step(config=config)(nb, resources)
    except Exception as err:
        return {"ungraded": f"its nbgrader metadata cannot be repaired ({err})"}
    for gid in resources["course_grader"].get("edited", []):
        result["notes"].append(f"locked cell {gid} had been edited; the course's version "
                               "was graded instead")

    for rel, data in spec.files.items():
        target = scratch / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    runner = run_notebook(nb, scratch, spec.timeout, sandboxed)

    ids = {k: c.metadata.get("nbgrader", {}).get("grade_id") for k, c in enumerate(nb.cells)}
    for log in runner.logs:
        for flag in log.flags:
            flag["cell"] = ids.get(flag["cell"]) or flag["cell"]
            result["flags"].append(flag)
    for index, line in integrity.leaks(nb, spec.hidden_lines()):
        result["flags"].append(Flag("hidden test in output", f"the output shows the hidden "
                                    f"test line {line!r}", ids.get(index) or index))
    exercises = {}
    for index, event in runner.events:
        gid = ids.get(index) or f"cell {index}"
        exercises[gid] = "kernel died" if event == "died" else "would not stop"
        result["notes"].append(f"{gid}: {exercises[gid]}; scored 0, the rest was graded")
    if runner.problems:
        result["notes"].append("the kernel connection failed: " + ", ".join(runner.problems))

    for step in AFTER_EXECUTE:
        nb, resources = step(config=config)(nb, resources)
    scores, no_response = {}, []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if utils.is_grade(cell):
            gid = meta["grade_id"]
            scores[gid] = list(utils.determine_grade(_without_stderr(cell, gid, result)))
            exercises.setdefault(gid, "ok" if scores[gid][0] == scores[gid][1] else
                                 "needs manual grade" if scores[gid][0] is None else "failed")
        if utils.is_solution(cell) and meta.get("checksum") == utils.compute_checksum(cell):
            no_response.append(meta["grade_id"])
    return {"scores": scores, "no_response": no_response, "exercises": exercises,
            "kernels": runner.kernels, "autograded": nbformat.from_dict(nb)}


def _without_stderr(cell, gid, result):
    """The cell as nbgrader should score it: text on stderr alone is no failure.

    nbgrader scores a test cell with any stderr output 0, even when every check
    passed.  The course's checks turn a student's warnings into failures with a
    message themselves, so here only an error fails a cell; the stderr text
    stays in the notebook for the TA and is noted.
    """
    outputs = cell.get("outputs", [])
    if any(o.output_type == "error" for o in outputs) or not any(
            o.output_type == "stream" and o.name == "stderr" for o in outputs):
        return cell
    result["notes"].append(f"{gid}: printed to stderr; not counted as a failure")
    scored = nbformat.from_dict(cell)
    scored.outputs = [o for o in outputs if not (o.output_type == "stream"
                                                 and o.name == "stderr")]
    return scored
