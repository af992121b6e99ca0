"""course-grade: grade a class safely.  Run it from the course folder.

    course-grade autograde 01_gradients [--jobs 2] [--scheduler tcp://host:8786]
    course-grade feedback 01_gradients
    course-grade export
    course-grade check-sandbox

autograde grades every submitted/<student>/01_gradients/ (or --student ...),
each student's code in its own sandbox, writes the gradebook (nbgrader's, so
Formgrader grades the written answers), autograded/<student>/..., and
reports/01_gradients/ (integrity.md, results.json).  feedback writes
feedback/<student>/01_gradients/*.html without any exchange; releasing it is
`nbgrader release_feedback`.  export writes grades.csv with a status column.
"""

import argparse
import sys
from pathlib import Path

__all__ = ["main"]


def _coursedir(root):
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    root = Path(root).resolve()
    config = Config()
    if (root / "nbgrader_config.py").exists():
        sys.path.insert(0, str(root))  # the config may import the course's packages
        config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    return CourseDirectory(config=config), config


def autograde(args):
    from course_grader import sandbox
    from course_grader.assignment import load_spec
    from course_grader.record import Recorder
    from course_grader.reports import write_integrity_report
    from course_grader.run import grade_class, read_submissions

    coursedir, config = _coursedir(args.root)
    if args.unsandboxed:
        print("WARNING: grading WITHOUT a sandbox (--unsandboxed): student code runs with "
              "your permissions. Every report will say so.", file=sys.stderr)
    else:
        try:
            sandbox.check_sandbox()
        except sandbox.SandboxUnavailable as err:
            print(f"course-grade: {err}", file=sys.stderr)
            return 2
        if warning := sandbox.process_limit_warning():
            print(f"WARNING: {warning}", file=sys.stderr)
    timeout = args.timeout or int(config.Execute.get("timeout", 30) or 30)
    try:
        spec = load_spec(coursedir, args.assignment, timeout)
    except Exception as err:
        print(f"course-grade: cannot read assignment {args.assignment!r} ({err}). Run "
              f"`nbgrader generate_assignment {args.assignment}` first.", file=sys.stderr)
        return 2
    submissions = read_submissions(coursedir, args.assignment, args.student)
    if not submissions:
        print(f"course-grade: no submissions in {coursedir.submitted_directory}/*/"
              f"{args.assignment}/", file=sys.stderr)
        return 2
    timestamps = {s: coursedir.get_existing_timestamp(
        coursedir.format_path(coursedir.submitted_directory, s, args.assignment))
        for s in submissions}
    recorder = Recorder(coursedir, args.assignment)
    try:
        counts = grade_class(spec, config, submissions, recorder, timestamps, jobs=args.jobs,
                             scheduler=args.scheduler, sandboxed=not args.unsandboxed,
                             progress=not args.quiet)
    finally:
        results = recorder.close()
    report = write_integrity_report(coursedir, args.assignment, recorder.results)
    print(f"{args.assignment}: {counts['graded']} graded, {counts['held']} held for review, "
          f"{counts['ungraded']} ungraded.  Integrity report: {report}  (all results: "
          f"{results})")
    return 0


def feedback(args):
    import json

    from course_grader.assignment import load_spec
    from course_grader.feedback import generate_feedback, secret_lines
    from course_grader.record import results_path

    coursedir, _ = _coursedir(args.root)
    spec = load_spec(coursedir, args.assignment)
    path = results_path(coursedir, args.assignment)
    results = json.loads(path.read_text()) if path.exists() else {}
    # held students only when named: their scores wait for a review in Formgrader
    students = [s for s, r in sorted(results.items()) if r["status"] != "ungraded"
                and (s in args.student if args.student else r["status"] == "graded")]
    held = sorted(s for s, r in results.items() if r["status"] == "held" and s not in students)
    source = coursedir.format_path(coursedir.source_directory, ".", args.assignment)
    pages = generate_feedback(coursedir, spec, students, secret_lines(spec, source))
    print(f"{args.assignment}: {len(pages)} feedback pages in {coursedir.feedback_directory}/ "
          "(send them with `nbgrader release_feedback` or your LMS)")
    if held:
        print(f"not for the {len(held)} held for review ({', '.join(held)}): review them in "
              "Formgrader, then run this again with --student NAME")
    return 0


def export(args):
    from course_grader.reports import write_grades

    coursedir, _ = _coursedir(args.root)
    print(f"grades: {write_grades(coursedir, args.to)}")
    return 0


def check(args):
    from course_grader import sandbox

    try:
        sandbox.check_sandbox()
    except sandbox.SandboxUnavailable as err:
        print(err)
        return 2
    print("bubblewrap works here: submissions will be graded in a sandbox.")
    warning = sandbox.process_limit_warning()
    print(f"Note: {warning}" if warning else
          "Each kernel's processes and threads are limited too.")
    return 0


def parser():
    p = argparse.ArgumentParser(prog="course-grade", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--root", default=".", help="the course folder (default: here)")
    sub = p.add_subparsers(dest="command", required=True)
    a = sub.add_parser("autograde", help="grade submissions, each in a sandbox")
    a.add_argument("assignment")
    a.add_argument("--student", action="append", help="only this student (repeatable)")
    a.add_argument("--jobs", "-j", type=int, default=1, help="submissions graded at once")
    a.add_argument("--scheduler", help="address of a Dask distributed scheduler to grade on")
    a.add_argument("--timeout", type=int, help="seconds per cell (default: Execute.timeout)")
    a.add_argument("--unsandboxed", action="store_true",
                   help="grade without a sandbox (trusted submissions only)")
    a.add_argument("--quiet", action="store_true", help="no progress bar")
    a.set_defaults(run=autograde)
    f = sub.add_parser("feedback", help="feedback pages for graded students (no exchange)")
    f.add_argument("assignment")
    f.add_argument("--student", action="append")
    f.set_defaults(run=feedback)
    e = sub.add_parser("export", help="grades.csv with a status column")
    e.add_argument("--to", default="grades.csv")
    e.set_defaults(run=export)
    c = sub.add_parser("check-sandbox", help="say whether the sandbox works here")
    c.set_defaults(run=check)
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
