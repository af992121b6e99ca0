"""tools/navigation.py: the same contents, links and progress cell in every notebook.

The script runs on copies of solutions/ here.  One processed notebook then goes
the whole way: executed as `make outputs` does, strict nbval, a fresh student
version, and nbgrader's autograde of the reference and of the blank notebook,
where the progress cell must report without failing and without hidden tests
(a blank notebook's table is checked in test_progress.py and the class release).
"""

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from course import ASSIGNMENTS, ROOT, TempCourse, is_test, nbgrader_meta, secret_lines
from nbclient import NotebookClient

spec = importlib.util.spec_from_file_location("navigation", ROOT / "tools" / "navigation.py")
navigation = importlib.util.module_from_spec(spec)
spec.loader.exec_module(navigation)

LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


def own_cell(cell):
    """False for a standard cell the script puts in (found by its tag)."""
    return not set(cell.metadata.get("tags", [])) & set(navigation.TAGS.values())


def tagged(nb, key):
    return [k for k, c in enumerate(nb.cells) if navigation.TAGS[key] in c.metadata.get("tags", [])]


def slugs(markdown):
    """GitHub's anchors of the headings of a markdown text."""
    return {re.sub(r"[^\w\- ]", "", line.lstrip("#").strip().lower()).replace(" ", "-")
            for line in markdown.splitlines() if line.startswith("#")}


def problems_with_standard_cells(path, course):
    """Everything wrong with the standard cells of the notebook at ``path`` (empty: fine)."""
    nb = nbformat.read(path, as_version=4)
    if tagged(nb, "contents") != [1]:
        return [f"{path.name}: no contents cell right after the title"]
    if tagged(nb, "navigation") != [len(nb.cells) - 2] or \
            tagged(nb, "progress") != [len(nb.cells) - 1]:
        return [f"{path.name}: navigation and progress are not the last two cells"]
    found = []
    if nb.cells[-1].cell_type != "code" or \
            f'show_progress("{path.stem}")' not in nb.cells[-1].source:
        found.append(f"{path.name}: the last cell does not show this notebook's progress")
    sections = [f"#{navigation.heading_anchor(h)}" for h in navigation.sections(nb)]
    anchors = [t for _, t in LINK.findall(nb.cells[1].source) if t.startswith("#")]
    if anchors != sections + ["#Your-progress"]:
        found.append(f"{path.name}: contents {anchors} != sections {sections}")
    names = [p.stem for p in course]
    k = names.index(path.stem)
    neighbours = [names[j] for j in (k - 1, k + 1) if 0 <= j < len(names)]
    for cell in (nb.cells[1], nb.cells[-2]):
        targets = [t for _, t in LINK.findall(cell.source)]
        linked = [Path(t).stem for t in targets if t.endswith(".ipynb")]
        if linked != neighbours:
            found.append(f"{path.name}: links to {linked}, not to {neighbours}")
        page = navigation.PAGE.format(name=path.stem)
        if page not in targets:
            found.append(f"{path.name}: no link to its web page {page}")
        for target in targets:
            file, _, anchor = target.partition("#")
            if target == page:  # made by `make book`; test_book_site checks the page
                continue
            if file and not (path.parent / file).is_file():
                found.append(f"{path.name}: {target} does not exist")
            elif file.endswith("README.md") and anchor not in slugs((path.parent / file).read_text()):
                found.append(f"{path.name}: README.md has no section #{anchor}")
    return found


@pytest.fixture(scope="module")
def processed(tmp_path_factory):
    """A copy of solutions/ without the standard cells (as a new notebook comes), after the
    script ran on it once, and what the second run did."""
    root = tmp_path_factory.mktemp("course")
    shutil.copytree(ROOT / "solutions", root / "solutions")
    shutil.copy(ROOT / "README.md", root / "README.md")
    paths = sorted((root / "solutions").glob("*/*.ipynb"))
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        nb.cells = [c for c in nb.cells if own_cell(c)]
        nbformat.write(nb, path)
    course = navigation.course_of(paths[0])
    first = [navigation.update(p, course) for p in paths]
    second = [navigation.update(p, course) for p in paths]
    return root, paths, course, first, second


def test_jupyterlab_anchors():
    # JupyterLab's id of a heading: its rendered text with spaces replaced by "-"
    assert navigation.heading_anchor("4. The `b = a + a` bug") == "4.-The-b-=-a-+-a-bug"
    assert navigation.heading_anchor("**Summary**") == "Summary"


def test_every_notebook_gets_contents_links_and_progress_last(processed):
    root, paths, course, first, _ = processed
    assert all(first) and [p.stem for p in course] == ASSIGNMENTS
    problems = [msg for p in paths for msg in problems_with_standard_cells(p, course)]
    assert not problems, problems


def test_running_it_again_changes_nothing(processed):
    assert not any(processed[4])


def test_nothing_else_in_a_notebook_changes(processed):
    root, paths, course, _, _ = processed
    for path in paths:
        before = nbformat.read(ROOT / "solutions" / path.parent.name / path.name, as_version=4)
        after = nbformat.read(path, as_version=4)
        own, before_own = ([c for c in nb.cells if own_cell(c)] for nb in (after, before))
        assert len(own) == len(before_own)
        for old, new in zip(before_own, own):
            if old.source != new.source:  # only a bold "Next: **NN · Title**" became a link
                assert re.sub(r"\[(\d\d · [^\]]+)\]\([^)]+\)", r"**\1**", new.source) == old.source


def test_every_solution_notebook_has_its_standard_cells():
    paths = sorted((ROOT / "solutions").glob("*/*.ipynb"))
    problems = [msg for p in paths for msg in problems_with_standard_cells(
        p, navigation.course_of(p))]
    assert not problems, problems


def test_the_progress_cell_passes_nbval_and_autograde(processed, tmp_path):
    assignment = "03_chain_rule"  # the quickest of the course to run three times
    path = next(p for p in processed[1] if p.stem == assignment)
    nb = nbformat.read(path, as_version=4)
    # as `make outputs` does, then strict nbval as `make test` does
    NotebookClient(nb, timeout=60, record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    nbformat.write(nb, path)
    table = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    points = sum(nbgrader_meta(c)["points"] for c in nb.cells if is_test(c))
    assert f"Visible tests pass for {points} of {points} autograded points" in table
    (tmp_path / "none.ini").write_text("[pytest]\n")
    nbval = subprocess.run(
        [sys.executable, "-m", "pytest", "-c", str(tmp_path / "none.ini"), "-p", "no:cacheprovider",
         "-q", "--nbval", "--nbval-current-env", "--nbval-cell-timeout=60",
         f"--nbval-sanitize-with={ROOT / 'tests' / 'nbval_sanitize.cfg'}", str(path)],
        capture_output=True, text=True, cwd=tmp_path)
    assert nbval.returncode == 0, nbval.stdout[-3000:]
    assert not navigation.update(path, navigation.course_of(path))  # outputs are kept
    # the student version keeps the cells; autograde runs the progress cell last, on a
    # notebook file that holds the hidden tests: they must not run, nor be shown
    course = TempCourse(tmp_path / "grading", assignment, source=path.parent)
    release = course.release()
    assert tagged(release, "progress") == [len(release.cells) - 1]
    assert not release.cells[-1].outputs
    course.submit("reference", course.solved())
    assert course.autograde("reference")["success"]
    cell = nbformat.read(course.path("autograded", "reference"), as_version=4).cells[-1]
    assert {(o.output_type, o.get("name")) for o in cell.outputs} == {("stream", "stdout")}
    table = "".join(o.text for o in cell.outputs)
    assert f"Visible tests pass for {points} of {points}" in table
    secret = secret_lines(course.source(), answers=False)
    assert not secret & {line.strip() for line in table.splitlines()}
    scores = course.scores("reference")
    assert sum(s for s, _ in scores.values()) == sum(m for _, m in scores.values())


def test_the_site_leaves_the_cells_out_and_links_its_own_pages(processed, tmp_path):
    # the site has its own contents and Previous / Next, and no kernel for the table
    from course_book import site

    assert set(site.NAVIGATION_TAGS) == set(navigation.TAGS.values())
    root, paths, _, _, _ = processed
    config = site.PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    for path in paths:
        page = site._page(root, path.stem, config)
        assert not any(c.metadata.get("tags") for c in page.cells), path.stem
        text = "\n".join(c.source for c in page.cells if c.cell_type == "markdown")
        assert "](../" not in text and "README.md" not in text
        targets = re.findall(r"\]\((\w+)\.ipynb\)", text)
        assert all((root / "solutions" / t / f"{t}.ipynb").is_file() for t in targets)
