"""course-grade on a generated class, through the real command.

One class of the first assignment covers honest work, every way to lose work
and every attack (tests/grading_class.py); it is graded once, with 2 jobs, in
a temporary course, and every test below reads that one run.  A few students
are graded again with 1 job and on a local Dask cluster of 2 workers: same
grades.  Every other assignment gets a small honest class (reference, blank,
one exercise undone) through the same command.
"""

import csv
import hashlib
import json
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from course import ASSIGNMENTS, ROOT, TempCourse, nbgrader_meta, secret_lines, visible_text
from grading_class import first_exercise, honest, whole_class
from nbgrader.api import Gradebook

# seconds per cell: each endless student costs this once; honest cells take < 1 s on a calm
# machine, and must not reach it on a busy one
TIMEOUT = 15
AGAIN = ["reference", "partial", "kernel-killed", "metadata-stripped", "patch-helper",
         "broken-file"]


def course_grade(root, *args):
    """The installed command, as a TA runs it (its module, with this Python)."""
    result = subprocess.run([sys.executable, "-m", "course_grader", "--root", str(root), *args],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def tree_hash(*paths):
    digest = hashlib.sha256()
    for top in paths:
        files = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file()
                                                   and "__pycache__" not in p.parts)
        for p in files:
            digest.update(str(p).encode() + p.read_bytes())
    return digest.hexdigest()


def assignment_definition(course):
    with Gradebook(course.api.coursedir.db_url) as gb:
        nb = gb.find_notebook(course.assignment, course.assignment)
        return sorted((c.name, c.source, c.checksum) for c in nb.source_cells)


def own_lines(files):
    """The lines of a student's own notebooks (they may show in the student's feedback)."""
    lines = set()
    for data in files.values():
        try:
            nb = nbformat.reads(data, as_version=4)
        except Exception:
            continue
        lines |= {line.strip() for cell in nb.cells for line in cell.source.splitlines()}
    return lines


def grades(root):
    with open(Path(root) / "grades.csv") as f:
        return {row["student_id"]: row for row in csv.DictReader(f)}


class GradedClass:
    """A course in a temp folder, its class submitted and graded by course-grade."""

    def __init__(self, root, assignment, build, report=True, jobs=2):
        self.root = Path(root)
        self.course = TempCourse(self.root, assignment)
        self.assignment = assignment
        shutil.copy(ROOT / "nbgrader_config.py", self.root)
        self.students = {s.name: s for s in build(self)}
        for s in self.students.values():
            folder = self.root / "submitted" / s.name / assignment
            folder.mkdir(parents=True)
            for rel, data in s.files.items():
                (folder / rel).write_bytes(data if isinstance(data, bytes) else data.encode())
        self.protected = [ROOT / "course_lib", ROOT / "course_grader", ROOT / "solutions",
                          ROOT / "nbgrader_config.py", self.root / "solutions",
                          self.root / "notebooks", self.root / "nbgrader_config.py",
                          self.root / "submitted"]
        self.before = tree_hash(*self.protected), assignment_definition(self.course)
        self.out = course_grade(self.root, "autograde", assignment, "--jobs", str(jobs),
                                "--timeout", str(TIMEOUT), "--quiet")
        if report:
            course_grade(self.root, "feedback", assignment)  # graded students
            held = [x for s in self.students.values() if s.status == "held"
                    for x in ("--student", s.name)]
            if held:  # a TA's review done: their pages must not leak either
                course_grade(self.root, "feedback", assignment, *held)
            course_grade(self.root, "export")
            self.grades = grades(self.root)
        self.after = tree_hash(*self.protected), assignment_definition(self.course)
        self.results = json.loads((self.root / "reports" / assignment / "results.json")
                                  .read_text())

    def paths(self):
        """What the sandbox-probe student tries to open (label, path, mode)."""
        a = self.assignment
        return [("gradebook", str(self.root / "gradebook.db"), "r+b"),
                ("solutions", str(self.root / "solutions" / a / f"{a}.ipynb"), "r"),
                ("course solutions", str(ROOT / "solutions" / a / f"{a}.ipynb"), "r"),
                ("course_lib", str(ROOT / "course_lib" / "check" / "feedback.py"), "a"),
                ("config", str(self.root / "nbgrader_config.py"), "a"),
                ("other student", str(self.root / "submitted" / "reference" / a / f"{a}.ipynb"),
                 "r")]

    def scores(self, student):
        with Gradebook(self.course.api.coursedir.db_url) as gb:
            nb = gb.find_submission_notebook(self.assignment, self.assignment, student)
            return {g.name: (g.auto_score, g.max_score, g.needs_manual_grade) for g in nb.grades
                    if g.cell_type == "code"}

    def autograded(self, student):
        return nbformat.read(self.course.path("autograded", student), as_version=4)

    def feedback(self, student):
        a = self.assignment
        return (self.root / "feedback" / student / a / f"{a}.html").read_text()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    return GradedClass(root, ASSIGNMENTS[0], lambda c: whole_class(c.course, c.paths()))


def test_the_class_covers_every_case(graded):
    assert len(graded.students) >= 25
    assert set(graded.results) == set(graded.students)


def test_each_student_gets_the_status_flags_and_scores_expected(graded):
    problems = []
    for name, s in graded.students.items():
        r = graded.results[name]
        row = graded.grades[name]
        kinds = {f["kind"] for f in r["flags"]}
        if r["status"] != s.status or row["status"] != s.status:
            problems.append(f"{name}: status {r['status']}/{row['status']}, not {s.status}; "
                            f"flags {r['flags']}, reason {r['reason']}")
            continue
        if not set(s.flags) <= kinds:
            problems.append(f"{name}: flags {kinds}, expected {s.flags}")
        if s.status == "graded" and kinds & {"changed", "tracing", "frames", "refused"}:
            problems.append(f"{name}: honest work flagged: {r['flags']}")
        for word in s.notes:
            if not any(word in note for note in r["notes"]):
                problems.append(f"{name}: no note with {word!r} in {r['notes']}")
        if s.status == "ungraded":
            if row["score"] != "" or not r["reason"]:
                problems.append(f"{name}: ungraded must show no score and a reason: {row}")
            continue
        scores = graded.scores(name)
        if s.status == "held":
            if row["score"] != "" or not all(held for _, _, held in scores.values()):
                problems.append(f"{name}: held, yet the score counts: {row} {scores}")
            continue
        for gid, (got, top, _) in scores.items():
            want = 0 if (s.zero or gid in s.lose) else top
            if got != want:
                problems.append(f"{name}: {gid} scored {got}, expected {want}")
    assert not problems, "\n".join(problems)


def test_honest_work_is_never_flagged(graded):
    for name in ("reference", "blank", "partial", "renamed", "metadata-stripped"):
        assert graded.results[name]["flags"] == [], (name, graded.results[name]["flags"])


def test_submissions_change_no_course_file_no_other_student_and_no_assignment(graded):
    assert graded.after == graded.before


def test_the_sandbox_blocks_files_and_network(graded):
    _, fn, _ = first_exercise(graded.course.release())
    ex = first_exercise(graded.course.release())[0]
    cell = next(c for c in graded.autograded("sandbox-probe").cells
                if nbgrader_meta(c).get("grade_id") == ex)
    shown = "".join(o.get("text", "") for o in cell.outputs)
    assert "blocked gradebook" in shown and "blocked network" in shown, shown
    assert "OPEN" not in shown, shown


def test_the_sandbox_limits_processes(graded):
    from course_grader.sandbox import Limits, process_limit_warning

    if warning := process_limit_warning():  # root, and no cgroup to be had here
        pytest.skip(warning)
    ex = first_exercise(graded.course.release())[0]
    cell = next(c for c in graded.autograded("fork-bomb").cells
                if nbgrader_meta(c).get("grade_id") == ex)
    shown = "".join(o.get("text", "") for o in cell.outputs)
    forks = int(shown.split("forks:")[1].split()[0])
    assert 0 < forks < Limits().processes, shown


def test_no_feedback_shows_a_hidden_test_or_a_solution(graded):
    source = graded.course.source()
    secret = secret_lines(source)
    hidden = secret_lines(source, answers=False)
    pages = 0
    for name, s in graded.students.items():
        if graded.results[name]["status"] == "ungraded":
            continue
        own = own_lines(s.files)
        page = visible_text(graded.feedback(name))
        lines = {line.strip() for line in page.splitlines()}
        assert not hidden & lines, (name, hidden & lines)
        assert not (secret - own) & lines, (name, (secret - own) & lines)
        pages += 1
    assert pages >= 20
    # not vacuous: the base-exception student's own notebook does quote a hidden line
    raw = "\n".join(nbformat.writes(graded.autograded("base-exception")).split("\\n"))
    assert any(line in raw for line in hidden)


class Elements(HTMLParser):
    """The tags, attributes and script texts of a page, as a browser would parse them."""

    def __init__(self, page):
        super().__init__()
        self.attributes, self.scripts, self._in_script = set(), [], False
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.attributes |= {name for name, _ in attrs}
        self._in_script = tag == "script"

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def test_student_markup_does_not_reach_the_page(graded):
    page = graded.feedback("html-injection")
    assert "my answer" in visible_text(page)  # the answer is there, as text
    elements = Elements(page)
    assert "onerror" not in elements.attributes
    assert not any("alert(" in script for script in elements.scripts)
    # not vacuous: the same parser sees the student's tags in the autograded notebook
    cell = next(c for c in graded.autograded("html-injection").cells if "my answer" in c.source)
    assert "onerror" in Elements(cell.source).attributes


def test_a_pasted_written_answer_keeps_the_answer(graded):
    written = next(c for c in graded.course.release().cells
                   if nbgrader_meta(c).get("solution") and c.cell_type == "markdown")
    wid = nbgrader_meta(written)["grade_id"]
    cells = [c for c in graded.autograded("pasted-answer").cells
             if nbgrader_meta(c).get("grade_id") == wid]
    assert len(cells) == 1 and "Model answer" in cells[0].source


def test_the_integrity_report_lists_every_held_student_with_evidence(graded):
    report = (graded.root / "reports" / graded.assignment / "integrity.md").read_text()
    for name, s in graded.students.items():
        if s.status in ("held", "ungraded"):
            assert f"### {name}" in report
    assert "course_lib.check.check_function" in report      # patch-helper's evidence
    assert "numpy.isclose" in report                        # patch-numpy-in-call's
    # a locked cell is reported edited only where one really was
    edited = [n for n, r in graded.results.items()
              if any("locked cell" in note for note in r["notes"])]
    assert edited == ["locked-edited"]


def test_the_progress_summary_counts_the_class(graded):
    counts = {s: sum(1 for x in graded.students.values() if x.status == s)
              for s in ("graded", "held", "ungraded")}
    assert (f"{counts['graded']} graded, {counts['held']} held for review, "
            f"{counts['ungraded']} ungraded") in graded.out.stdout


def regrade(graded, tmp_path, *args):
    """The same students graded again in a copy of the course."""
    root = tmp_path / "again"
    shutil.copytree(graded.root, root, ignore=shutil.ignore_patterns(
        "autograded", "feedback", "reports", "gradebook.db", "grades.csv"))
    shutil.copy(graded.root / "gradebook.db", root)
    course_grade(root, "autograde", graded.assignment, "--timeout", str(TIMEOUT), "--quiet",
                 *[x for s in AGAIN for x in ("--student", s)], *args)
    course_grade(root, "export")
    return json.loads((root / "reports" / graded.assignment / "results.json").read_text())


def same_grades(first, second):
    keep = ("status", "reason")
    return {s: ({k: first[s][k] for k in keep},
                {n: nb.get("scores") for n, nb in first[s]["notebooks"].items()},
                sorted(f["kind"] for f in first[s]["flags"])) for s in AGAIN} == \
           {s: ({k: second[s][k] for k in keep},
                {n: nb.get("scores") for n, nb in second[s]["notebooks"].items()},
                sorted(f["kind"] for f in second[s]["flags"])) for s in AGAIN}


def test_one_job_and_a_dask_cluster_give_the_same_grades(graded, tmp_path):
    from distributed import LocalCluster

    serial = regrade(graded, tmp_path / "serial", "--jobs", "1")
    assert same_grades(graded.results, serial)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        on_dask = regrade(graded, tmp_path / "dask", "--scheduler", cluster.scheduler_address)
    assert same_grades(serial, on_dask)


@pytest.fixture(scope="class")
def small(request, tmp_path_factory):
    assignment = request.cls.assignment
    # three students: one job, no worker processes to start (the class above has two)
    return GradedClass(tmp_path_factory.mktemp(assignment), assignment,
                       lambda c: honest(c.course), report=False, jobs=1)


class HonestClass:
    """Reference, blank and partial work of one assignment, through course-grade."""

    assignment = None

    def test_reference_full_blank_zero_partial_its_points(self, small):
        for name, s in small.students.items():
            assert small.results[name]["status"] == "graded", small.results[name]
            assert small.results[name]["flags"] == [], small.results[name]["flags"]
            for gid, (got, top, _) in small.scores(name).items():
                assert got == (0 if s.zero or gid in s.lose else top), (name, gid, got)


for _assignment in ASSIGNMENTS[1:]:
    _name = "TestHonestClass_" + _assignment
    globals()[_name] = type(_name, (HonestClass,), {"assignment": _assignment})
