"""show_progress: the visible tests of a notebook, run again, as a table.

The notebooks' cells run in-process here, in order, test cells included (as
Run All does); test_kernel_cells.py runs it in a real kernel and
test_navigation.py through nbval and nbgrader's autograde.
"""

import json

import matplotlib
import pytest
from course import ASSIGNMENTS, ROOT, is_solution, is_test, nbgrader_meta
from inprocess import run_all

from course_lib.progress import progress, show_progress, visible_part

matplotlib.use("Agg")


def autograded_points(nb):
    return sum(nbgrader_meta(c)["points"] for c in nb.cells if is_test(c))


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_reference_solution_passes_every_visible_test(assignment, capsys):
    path = ROOT / "solutions" / assignment / f"{assignment}.ipynb"
    nb, namespace = run_all(path)
    capsys.readouterr()
    rows = progress(path, namespace)
    code = [r for r in rows if r.status != "written"]
    assert len(code) == sum(1 for c in nb.cells if is_solution(c) and c.cell_type == "code")
    assert all(r.status == "passed" for r in code), [r for r in code if r.status != "passed"]
    assert all(r.detail == "answered" for r in rows if r.status == "written")
    show_progress(path, namespace)
    out = capsys.readouterr()
    assert out.err == ""
    total = autograded_points(nb)
    assert f"Visible tests pass for {total} of {total} autograded points" in out.out


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_a_fresh_student_notebook_is_not_written_yet(assignment, capsys):
    path = ROOT / "notebooks" / assignment / f"{assignment}.ipynb"
    nb, namespace = run_all(path)
    rows = progress(path, namespace)
    assert rows and all(r.status == "not written yet" for r in rows if r.status != "written")
    assert all(r.detail == "not answered yet" for r in rows if r.status == "written")
    capsys.readouterr()
    show_progress(path, namespace)
    first, second = capsys.readouterr(), None
    show_progress(path, namespace)
    second = capsys.readouterr()
    assert first == second and first.err == ""  # deterministic, nothing on stderr
    assert f"Visible tests pass for 0 of {autograded_points(nb)} autograded" in first.out


def test_hidden_tests_are_stripped_from_what_is_run():
    source = "a = 1\n### BEGIN HIDDEN TESTS\nraise SystemExit\n### END HIDDEN TESTS\nb = 2"
    assert visible_part(source) == "a = 1\nb = 2\n"
    assert "raise" not in visible_part("x\n### BEGIN HIDDEN TESTS\nraise SystemExit\n")


def test_it_never_fails_itself(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    show_progress("missing_notebook", {})
    assert "could not find missing_notebook.ipynb" in capsys.readouterr().out
    (tmp_path / "broken.ipynb").write_text("{ not json")
    show_progress("broken", {})
    (tmp_path / "plain.ipynb").write_text(json.dumps({"cells": [], "metadata": {}}))
    show_progress("plain", {})
    out = capsys.readouterr()
    assert "show_progress could not run: JSONDecodeError" in out.out
    assert "plain has no exercises to check" in out.out and out.err == ""


def test_it_finds_the_notebook_from_the_kernels_folder(monkeypatch, capsys):
    folder = ROOT / "notebooks" / ASSIGNMENTS[0]
    monkeypatch.chdir(folder)
    show_progress(ASSIGNMENTS[0], {})
    assert f"Progress in {ASSIGNMENTS[0]}" in capsys.readouterr().out
