"""Grading a class: submissions out to workers, results back to the one writer.

Workers are long-lived processes (a local pool of --jobs N, or the workers of
a Dask cluster): each imports nbgrader, nbclient and the grader once and then
grades one submission after another.  The command's own process collects the
results as they finish and hands each to the Recorder, the only code that
writes the gradebook.
"""

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from tqdm import tqdm

from course_grader.worker import grade_submission

__all__ = ["grade_class", "read_submissions"]

_job = {}  # in each pool process: the assignment and settings, sent once


def read_submissions(coursedir, assignment, students=None):
    """{student: {relative path: bytes}} of submitted/<student>/<assignment>/."""
    base = Path(coursedir.root) / coursedir.submitted_directory
    found = {}
    for folder in sorted(base.glob(f"*/{assignment}")):
        student = folder.parent.name
        if students and student not in students:
            continue
        found[student] = {str(p.relative_to(folder)): p.read_bytes()
                          for p in sorted(folder.rglob("*")) if p.is_file()}
    return found


def _init(spec, config, sandboxed):
    _job.update(spec=spec, config=config, sandboxed=sandboxed)


def _grade(student, files):
    return grade_submission(_job["spec"], student, files, _job["config"], _job["sandboxed"])


def _local(spec, config, sandboxed, submissions, jobs):
    # spawn: a clean interpreter per worker (no state of this process inherited)
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init,
                             initargs=(spec, config, sandboxed)) as pool:
        futures = [pool.submit(_grade, s, f) for s, f in submissions.items()]
        for future in as_completed(futures):
            yield future.result()


def _dask(spec, config, sandboxed, submissions, scheduler):
    from distributed import Client
    from distributed import as_completed as dask_completed

    with Client(scheduler) as client:
        spec_f, config_f = client.scatter([spec, config], broadcast=True)
        futures = [client.submit(grade_submission, spec_f, s, f, config_f, sandboxed,
                                 key=f"course-grade-{spec.name}-{s}", pure=False)
                   for s, f in submissions.items()]
        for future in dask_completed(futures):
            yield future.result()


def grade_class(spec, config, submissions, recorder, timestamps, jobs=1, scheduler=None,
                sandboxed=True, progress=True):
    """Grade every submission; record each result as it arrives.  Returns counts."""
    counts = {"graded": 0, "held": 0, "ungraded": 0}
    if scheduler:
        results = _dask(spec, config, sandboxed, submissions, scheduler)
    elif jobs > 1:
        results = _local(spec, config, sandboxed, submissions, jobs)
    else:
        _init(spec, config, sandboxed)
        results = (_grade(s, f) for s, f in submissions.items())
    bar = tqdm(total=len(submissions), unit="student", disable=not progress,
               desc=f"grading {spec.name}", dynamic_ncols=True)
    with bar:
        for result in results:
            summary = recorder.add(result, timestamps.get(result["student"]))
            counts[summary["status"]] += 1
            bar.set_postfix(graded=counts["graded"], flagged=counts["held"],
                            ungraded=counts["ungraded"])
            bar.update()
    return counts


def default_jobs():
    return max(1, min(len(os.sched_getaffinity(0)), 8))
