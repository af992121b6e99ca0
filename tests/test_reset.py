"""make reset: a fresh copy of one exercise, or of a whole notebook, in my_work/."""

import shutil
import subprocess

import nbformat
import pytest
from course import ASSIGNMENTS, ROOT, nbgrader_meta
from course_copy import copy_course, make_command

from course_lib.reset import ResetError, reset

NB = ASSIGNMENTS[0]


@pytest.fixture
def work(tmp_path, monkeypatch):
    """A student's folder: the course's notebooks/, and my_work/ with answers written."""
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    mine = tmp_path / "my_work" / NB / f"{NB}.ipynb"
    mine.parent.mkdir(parents=True)
    nb = nbformat.read(tmp_path / "notebooks" / NB / f"{NB}.ipynb", as_version=4)
    for cell in nb.cells:
        if nbgrader_meta(cell).get("solution"):
            cell.source = f"my answer to {nbgrader_meta(cell)['grade_id']}"
    nb.cells[3].source = "my own note"
    nbformat.write(nb, mine)
    monkeypatch.chdir(tmp_path)
    return mine


def cell(nb, grade_id):
    return next(c for c in nb.cells if nbgrader_meta(c).get("grade_id") == grade_id)


def exercises(nb):
    return [nbgrader_meta(c)["grade_id"] for c in nb.cells if nbgrader_meta(c).get("solution")]


def test_one_exercise_is_reset_and_everything_else_kept(work):
    before = nbformat.read(work, as_version=4)
    first, second = exercises(before)[:2]
    cell(before, f"{first}_test").source = "edited test"
    nbformat.write(before, work)
    backup = reset(NB, first)
    after = nbformat.read(work, as_version=4)
    fresh = nbformat.read(ROOT / "notebooks" / NB / f"{NB}.ipynb", as_version=4)
    assert cell(after, first).source == cell(fresh, first).source  # the stub again
    assert cell(after, f"{first}_test").source == cell(fresh, f"{first}_test").source
    assert cell(after, second).source == f"my answer to {second}"
    assert after.cells[3].source == "my own note"
    assert backup.name == f"{NB}.before-reset-1.ipynb"
    assert nbformat.read(backup, as_version=4) == before  # nothing is lost


def test_a_deleted_exercise_comes_back_in_its_place(work):
    nb = nbformat.read(work, as_version=4)
    target = exercises(nb)[1]
    index = nb.cells.index(cell(nb, target))
    del nb.cells[index]
    nbformat.write(nb, work)
    reset(NB, target)
    after = nbformat.read(work, as_version=4)
    assert nbgrader_meta(after.cells[index])["grade_id"] == target


def test_a_whole_notebook_is_reset_and_backups_are_numbered(work):
    reset(NB, exercises(nbformat.read(work, as_version=4))[0])
    reset(NB)
    assert work.read_bytes() == (ROOT / "notebooks" / NB / f"{NB}.ipynb").read_bytes()
    assert sorted(p.name for p in work.parent.iterdir()) == [
        f"{NB}.before-reset-1.ipynb", f"{NB}.before-reset-2.ipynb", f"{NB}.ipynb"]


def test_a_wrong_name_changes_nothing_and_lists_the_exercises(work):
    before = work.read_bytes()
    with pytest.raises(ResetError, match=r"'sofmax' is not an exercise.*: grad_q, "):
        reset(NB, "sofmax")
    with pytest.raises(ResetError, match="no notebook"):
        reset("99_nothing")
    assert work.read_bytes() == before


def test_make_reset_runs_it(work, tmp_path):
    copy_course(tmp_path, ["Makefile", "pyproject.toml", "constraints.txt"])
    done = subprocess.run(make_command(tmp_path, "reset", f"NB={NB}", "EX=grad_q"),
                          cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Reset exercise grad_q of 01_gradients" in done.stdout
    missing = subprocess.run(make_command(tmp_path, "reset"), cwd=tmp_path,
                             capture_output=True, text=True)
    assert missing.returncode != 0 and "make reset NB=01_gradients" in missing.stderr
