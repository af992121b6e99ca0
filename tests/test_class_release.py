"""make class-release: the course as a class gets it, with no answer inside.

The release is built into a temporary folder.  Nothing of a solution, a hidden
test or a model answer may be in any of its files, and its own `make test`
must pass.  That runs here on the course's installed environment (linked, with
the release's own course_lib first on the path): `make install` from nothing
takes about a minute more, so it is `make class-release-check`, not part of
`make test`.  Its `make lab` starts for real in test_lab_modes.py.
"""

import os
import subprocess
import sys
import tarfile

import nbformat
import pytest
from course import (ASSIGNMENTS, HIDDEN_MARKERS, ROOT, SOLUTION_MARKERS, is_solution, is_test,
                    secret_lines)
from course_copy import build_release, make_command

SHIPPED = {".gitignore", "Makefile", "README.md", "constraints.txt", "course_lib",
           "environment.yml", "jupyter-config", "notebooks", "pyproject.toml", "tests"}


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    return build_release(tmp_path_factory.mktemp("dist"))


def files(folder):
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_it_holds_the_student_notebooks_and_the_set_up_and_nothing_else(release):
    assert {p.name for p in release.iterdir()} == SHIPPED
    for assignment in ASSIGNMENTS:
        name = f"notebooks/{assignment}/{assignment}.ipynb"
        assert (release / name).read_bytes() == (ROOT / name).read_bytes()
    for name in ("Makefile", "pyproject.toml", "constraints.txt", "environment.yml"):
        assert (release / name).read_bytes() == (ROOT / name).read_bytes()
    assert sorted(p.name for p in (release / "tests").iterdir()) == \
        ["nbval_sanitize.cfg", "test_student_notebooks.py"]
    readme = (release / "README.md").read_text()
    assert readme.startswith("> **This is the class release") and "make lab" in readme
    with tarfile.open(release.with_name("backprop-course-class.tar.gz")) as tar:
        packed = sorted(m.name for m in tar.getmembers() if m.isfile())
    assert packed == [f"backprop-course-class/{p.relative_to(release)}" for p in files(release)]


def lines_of(path):
    if path.suffix == ".ipynb":
        return [line for c in nbformat.read(path, as_version=4).cells
                for line in c.source.splitlines()]
    return path.read_text(errors="replace").splitlines()


def secrets_of(assignment):
    return secret_lines(nbformat.read(
        ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4))


def test_no_solution_hidden_test_or_model_answer_is_inside(release):
    every_secret = set().union(*map(secrets_of, ASSIGNMENTS))
    # course_lib is what every student imports anyway: the course's own, unchanged.  (Its
    # reference functions, such as engine.rules, are switched off while a test runs.)
    for path in files(release / "course_lib"):
        assert path.read_bytes() == (ROOT / path.relative_to(release)).read_bytes()
    for path in files(release):
        parts = path.relative_to(release).parts
        if path.suffix == ".gz" or parts[0] == "course_lib":
            continue
        # a notebook against its own solution; see the next test for the others
        secret = secrets_of(parts[1]) if parts[0] == "notebooks" else every_secret
        assert secret and not secret & {line.strip() for line in lines_of(path)}, path
        if path.suffix == ".ipynb":
            text = path.read_text()
            assert not any(m in text for m in SOLUTION_MARKERS + HIDDEN_MARKERS), path


def secret_blocks(assignment):
    """The secret lines of each answer and test cell of a solution notebook, per cell."""
    nb = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    secret = secret_lines(nb)
    blocks = [secret & {line.strip() for line in cell.source.splitlines()} for cell in nb.cells
              if is_solution(cell) or is_test(cell)]
    return [block for block in blocks if block]


def test_no_notebook_holds_the_answer_of_another(release):
    # One generic line ("return grad") may stand in two notebooks; an answer may not:
    # three lines of one answer or hidden test, or all of a shorter one, count as a leak.
    leaks = {}
    for assignment in ASSIGNMENTS:
        for other in ASSIGNMENTS:
            path = release / "notebooks" / other / f"{other}.ipynb"
            public = {line.strip() for line in lines_of(path)}
            for block in secret_blocks(assignment):
                common = block & public
                if len(common) >= min(3, len(block)):
                    leaks.setdefault(f"{assignment} in {other}", []).append(sorted(common))
    assert not leaks, leaks


def test_a_notebook_with_an_answer_stops_the_build(tmp_path, monkeypatch):
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import class_release
    finally:
        sys.path.pop(0)
    leaky = tmp_path / "course"
    for name in class_release.FILES + ["README.md"]:
        (leaky / name).parent.mkdir(parents=True, exist_ok=True)
        (leaky / name).write_text("")
    for name in class_release.FOLDERS + ["tests"]:
        (leaky / name).mkdir(parents=True, exist_ok=True)
    (leaky / "tests" / "nbval_sanitize.cfg").write_text("")
    (leaky / "notebooks" / "x.ipynb").write_text('{"cells": ["### BEGIN SOLUTION"]}')
    monkeypatch.setattr(class_release, "ROOT", leaky)
    with pytest.raises(SystemExit, match="run `make student-versions`"):
        class_release.build(tmp_path / "dist")
    assert not (tmp_path / "dist" / class_release.NAME).exists()


def test_its_make_test_passes_on_its_own_files(release):
    (release / ".venv").symlink_to(ROOT / ".venv")
    env = {**os.environ, "PYTHONPATH": str(release)}  # its course_lib, not the course's
    where = subprocess.run([str(release / ".venv" / "bin" / "python"), "-c",
                            "import course_lib; print(course_lib.__file__)"],
                           cwd=release / "notebooks", env=env, capture_output=True, text=True)
    assert where.stdout.startswith(str(release / "course_lib")), where
    done = subprocess.run(make_command(release, "test", env=env), cwd=release, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]
    assert f"{len(ASSIGNMENTS)} passed" in done.stdout
