"""Grading through nbgrader's API, in a temporary course, for every assignment.

The reference solution gets full marks, the untouched student version gets 0,
each test cell fails when only its own exercise is left as the stub, realistic
wrong answers (dodges of the exercise's method included) lose points with a
helpful message, correct answers written another way keep full marks, feedback
hides the hidden tests, and a broken or endless submission harms no one else's grade.
"""

import nbformat
import pytest
from course import (
    ASSIGNMENTS,
    HIDDEN_MARKERS,
    TempCourse,
    is_solution,
    is_test,
    nbgrader_meta,
    secret_lines,
    visible_text,
)
from wrong_answers import RIGHT, WRONG


def exercises(nb):
    """grade_ids of the code exercises (solution cells that are not graded themselves)."""
    return [nbgrader_meta(c)["grade_id"] for c in nb.cells
            if is_solution(c) and c.cell_type == "code"]


def with_cell(nb, grade_id, source):
    for cell in nb.cells:
        if nbgrader_meta(cell).get("grade_id") == grade_id:
            cell.source = source
            return nb
    raise KeyError(grade_id)


def bundles(answers):
    """Answers grouped so that no two in a group replace the same cell.

    Each group is graded as one submission: grading costs ~2 s per submission, so
    answers to different exercises share one (their test cells are independent, as
    the stubs prove one by one).
    """
    groups = []
    for answer in answers:
        group = next((g for g in groups if all(a.exercise != answer.exercise for a in g)), None)
        if group is None:
            group = []
            groups.append(group)
        group.append(answer)
    return groups


def with_answers(course, group, name):
    """The reference with the group's answers in place; course.bundle notes where each went."""
    nb = course.solved()
    for answer in group:
        with_cell(nb, answer.exercise, answer.code)
        course.bundle[answer.student] = (name, group)
    return nb


def without_a_test_cell(nb):
    nb.cells.remove(next(c for c in nb.cells if is_test(c)))
    return nb


def with_pasted_copy(nb):
    """A student copy-pasted the first exercise cell: its grade_id now appears twice."""
    first = next(k for k, c in enumerate(nb.cells) if is_solution(c))
    copy = nbformat.from_dict(nb.cells[first])
    copy.id = "pasted-copy"
    nb.cells.insert(first + 1, copy)
    return nb


@pytest.fixture(scope="class")
def graded(request, tmp_path_factory):
    """Every kind of submission for the test class's assignment, autograded once."""
    assignment = request.cls.assignment
    course = TempCourse(tmp_path_factory.mktemp(assignment), assignment)
    release = course.release()
    # the broken file comes early: everyone after it must still be graded
    submissions = {"reference": course.solved(),
                   "broken-file": '{"cells": [ this is not a notebook',
                   "blank": release}
    for ex in exercises(release):
        stub = next(c.source for c in release.cells if nbgrader_meta(c).get("grade_id") == ex)
        submissions[f"stub-{ex}"] = with_cell(course.solved(), ex, stub)
    # wrong-1, wrong-2, ...: each a few wrong answers to different exercises
    course.bundle = {}
    for k, group in enumerate(bundles(WRONG.get(assignment, [])), start=1):
        submissions[f"wrong-{k}"] = with_answers(course, group, f"wrong-{k}")
    # Correct answers written another way must keep full marks, and so must a student
    # who deleted a test cell (add_missing_cells puts it back) or pasted a copy of a
    # cell: they share submissions (each costs a run of the notebook).
    shapes = [("deleted-test-cell", without_a_test_cell), ("duplicated-cell", with_pasted_copy)]
    groups = bundles(RIGHT.get(assignment, []))
    for k in range(max(len(groups), len(shapes))):
        name, shape = shapes[k] if k < len(shapes) else (f"right-{k + 1}", lambda nb: nb)
        submissions[name] = shape(with_answers(course, groups[k] if k < len(groups) else [],
                                               name))

    results = {}
    for student, nb in submissions.items():
        course.submit(student, nb)
        results[student] = course.autograde(student)
    course.results = results
    return course


def flat(text):
    """Text with all runs of whitespace as one space: messages are wrapped for display."""
    return " ".join(text.split())


def total(scores):
    return sum(score for score, _ in scores.values())


def maximum(scores):
    return sum(top for _, top in scores.values())


def lines(text):
    return {line.strip() for line in text.splitlines()}


class GradedAssignment:
    """The checks on one assignment's graded class; one subclass per assignment
    below, so that pytest-xdist (--dist loadscope) grades assignments in parallel."""

    assignment = None

    def test_reference_solution_gets_full_marks(self, graded):
        scores = graded.scores("reference")
        assert graded.results["reference"]["success"]
        assert scores and total(scores) == maximum(scores), scores

    def test_untouched_student_version_gets_zero(self, graded):
        scores = graded.scores("blank")
        assert total(scores) == 0, scores
        for grade_id in scores:
            assert "not written yet" in flat(graded.outputs("blank", grade_id))

    def test_each_test_fails_on_its_own_stub_and_only_there(self, graded):
        for ex in exercises(graded.release()):
            scores = graded.scores(f"stub-{ex}")
            assert scores[f"{ex}_test"][0] == 0, (ex, scores)
            others = {k: v for k, v in scores.items() if k != f"{ex}_test"}
            assert total(others) == maximum(others), (ex, others)

    def test_there_are_wrong_and_right_answers_for_every_exercise(self, graded):
        for answers in (WRONG, RIGHT):
            covered = {a.exercise for a in answers.get(graded.assignment, [])}
            assert covered == set(exercises(graded.release())), covered

    def test_every_wrong_answer_loses_points_with_a_helpful_message(self, graded):
        problems = []
        for wrong in WRONG.get(graded.assignment, []):
            submission, group = graded.bundle[wrong.student]
            scores = graded.scores(submission)
            test_id = f"{wrong.exercise}_test"
            message = graded.outputs(submission, test_id)
            others = {k: v for k, v in scores.items()
                      if k not in {f"{a.exercise}_test" for a in group}}
            if scores[test_id][0] >= scores[test_id][1]:
                problems.append(f"{wrong.student}: {test_id} kept its points")
            if total(others) != maximum(others):
                problems.append(f"{wrong.student} ({submission}): other cells lost points: "
                                f"{others}")
            if flat(wrong.hint) not in flat(message):
                problems.append(f"{wrong.student}: no {wrong.hint!r} in {message!r}")
            problems += [f"{wrong.student}: misleading {text!r} in {message!r}"
                         for text in wrong.absent if flat(text) in flat(message)]
            if "Traceback" in message or "File " in message:
                problems.append(f"{wrong.student}: a traceback reached the student: {message!r}")
        assert not problems, "\n".join(problems)

    def test_correct_answers_written_differently_keep_full_marks(self, graded):
        problems = []
        for submission in sorted({graded.bundle[r.student][0] for r in RIGHT[graded.assignment]}):
            scores = graded.scores(submission)
            if total(scores) != maximum(scores):
                lost = {k: v for k, v in scores.items() if v[0] != v[1]}
                outputs = {k: graded.outputs(submission, k) for k in lost}
                problems.append(f"{submission} lost points: {lost}\n{outputs}")
        assert not problems, "\n".join(problems)

    def test_no_hidden_test_reaches_output_or_feedback(self, graded):
        secret = secret_lines(graded.source(), answers=False)
        assert secret, "every assignment has hidden tests"
        for submission in sorted({graded.bundle[w.student][0] for w in WRONG[graded.assignment]}):
            outputs = "\n".join(graded.outputs(submission, gid)
                                for gid in graded.scores(submission))
            assert not secret & lines(outputs), submission
        student = graded.bundle[WRONG[graded.assignment][0].student][0]
        page = visible_text(graded.feedback(student))
        assert flat(WRONG[graded.assignment][0].hint) in flat(page)
        # the page shows the student's own code, whose lines may happen to equal a
        # hidden test's ("return grads"): those are the student's, not a leak
        submitted = nbformat.read(graded.path("submitted", student), as_version=4)
        own = {line.strip() for c in submitted.cells if is_solution(c)
               for line in c.source.splitlines()}
        assert not (secret - own) & lines(page)
        # the check is not vacuous: visible test lines do reach the page, line by line
        first_test = next(c for c in graded.source().cells if is_test(c))
        assert first_test.source.splitlines()[0].strip() in lines(page)
        assert HIDDEN_MARKERS[0] not in page

    def test_deleted_test_cell_is_restored_and_graded(self, graded):
        assert graded.scores("deleted-test-cell") == graded.scores("reference")

    def test_copy_pasted_cell_is_graded_in_full(self, graded):
        result = graded.results["duplicated-cell"]
        assert result["success"], result["error"]
        assert "exists multiple times" in result["log"]
        assert graded.scores("duplicated-cell") == graded.scores("reference")

    def test_broken_file_fails_alone_and_says_why(self, graded):
        result = graded.results["broken-file"]
        assert not result["success"]
        assert "broken-file" in result["error"] + result["log"]
        # graded after the broken one, and still full marks
        for student in ("deleted-test-cell", "duplicated-cell"):
            scores = graded.scores(student)
            assert total(scores) == maximum(scores)

    def test_reference_submission_round_trips_as_valid_notebook(self, graded):
        nbformat.validate(nbformat.read(graded.path("autograded", "reference"), as_version=4))


for _assignment in ASSIGNMENTS:
    _name = "TestGrading_" + _assignment
    globals()[_name] = type(_name, (GradedAssignment,), {"assignment": _assignment})


def test_endless_loop_loses_only_that_exercise(tmp_path):
    # the quickest notebook of the course: its other cells take well under the time limit
    course = TempCourse(tmp_path, "03_chain_rule", Execute={"timeout": 6})
    last = exercises(course.release())[-1]
    nb = course.solved()
    cell = next(c for c in nb.cells if nbgrader_meta(c).get("grade_id") == last)
    # the function is defined fine but never returns when the test calls it
    cell.source = cell.source.replace("    '''\n", "    '''\n    while True:\n        pass\n", 1)
    assert "while True" in cell.source
    course.submit("endless", nb)
    assert course.autograde("endless")["success"]
    scores = course.scores("endless")
    assert scores[f"{last}_test"][0] == 0
    others = {k: v for k, v in scores.items() if k != f"{last}_test"}
    assert total(others) == maximum(others)
    assert "time limit" in flat(course.outputs("endless", f"{last}_test"))


def test_without_the_course_fix_a_pasted_cell_fails_the_whole_submission(tmp_path):
    # Documents why nbgrader_config.py swaps in RemoveDuplicateIds.  If this starts
    # failing, nbgrader has fixed its bug (#1083) and the swap can go.
    from course_grader.nbgrader_steps import nbgrader_sanitize_steps

    course = TempCourse(tmp_path, ASSIGNMENTS[-1],
                        Autograde={"sanitize_preprocessors": nbgrader_sanitize_steps()})
    course.submit("pasted", with_pasted_copy(course.solved()))
    result = course.autograde("pasted")
    assert not result["success"] and "grade_id" in result["log"]
