"""course-grade on a class of 40: 1 job against 2 jobs, side by side in one run.

The class is honest work of the first assignment (reference, blank and one
exercise left undone, in turn), graded in a temporary course through the real
command, sandboxed, with each setting in turn; the gradebook is reset between
runs.  Prints the wall time of each run, the ratio, the machine's load
average before and after (other processes on the 2 cores change the
numbers), and the OPENBLAS settings it ran with.

    .venv/bin/python benchmarks/bench_grading.py [--students 40] [--rounds 1]
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from course import ASSIGNMENTS, ROOT, TempCourse  # noqa: E402
from grading_class import honest  # noqa: E402


def build(root, students):
    course = TempCourse(root, ASSIGNMENTS[0])
    shutil.copy(ROOT / "nbgrader_config.py", root)
    kinds = honest(course)
    for k in range(students):
        s = kinds[k % len(kinds)]
        for rel, data in s.files.items():
            path = root / "submitted" / f"{s.name}-{k:02d}" / course.assignment / rel
            path.parent.mkdir(parents=True)
            path.write_text(data)
    shutil.copy(root / "gradebook.db", root / "gradebook.fresh")
    return course.assignment


def grade(root, assignment, jobs):
    shutil.copy(root / "gradebook.fresh", root / "gradebook.db")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "course_grader", "--root", str(root), "autograde",
                    assignment, "--jobs", str(jobs), "--quiet"], check=True,
                   capture_output=True)
    return time.perf_counter() - start


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--students", type=int, default=40)
    p.add_argument("--rounds", type=int, default=1)
    args = p.parse_args()
    print("OPENBLAS_CORETYPE =", os.environ.get("OPENBLAS_CORETYPE"),
          " OPENBLAS_L2_SIZE =", os.environ.get("OPENBLAS_L2_SIZE"),
          " (kernels run with OPENBLAS_NUM_THREADS=1)")
    print("load average before: %.2f %.2f %.2f" % os.getloadavg())
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        assignment = build(root, args.students)
        times = {1: [], 2: []}
        for _ in range(args.rounds):
            for jobs in (1, 2):
                times[jobs].append(grade(root, assignment, jobs))
                print(f"  {jobs} job(s): {times[jobs][-1]:.1f} s for {args.students} students")
    one, two = statistics.median(times[1]), statistics.median(times[2])
    print("load average after:  %.2f %.2f %.2f" % os.getloadavg())
    print(f"class of {args.students}: 1 job {one:.1f} s, 2 jobs {two:.1f} s, "
          f"ratio {one / two:.2f}x")


if __name__ == "__main__":
    main()
