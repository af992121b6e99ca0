"""The course's site, built as `make book` builds it, read in a real browser.

Every page is opened in Debian's Chromium from a real HTTP server on
127.0.0.1, with every other host cut off: the page must show its title and
headings, every formula typeset and every plot and graph drawn, log no error,
request nothing from elsewhere and show no solution.  A screenshot of each
page is saved in build/book/screenshots/.  The last tests show that each check
fails on a page that breaks it.
"""

import json
import shutil
from pathlib import Path

import nbformat
import pytest
from browser import Server, launch, open_page
from course import ASSIGNMENTS, HIDDEN_MARKERS, ROOT, SOLUTION_MARKERS, secret_lines, visible_text
from page_checks import (
    CHECKS,
    check_code,
    check_console,
    check_formulas,
    check_headings,
    check_images,
    check_offline,
    check_secrets,
    check_title,
    check_toc,
    expected_from,
    problems,
)

from course_book.site import build, course_notebooks, write_sources

OUT = ROOT / "build" / "book"
SHOTS = OUT / "screenshots"
MARKERS = SOLUTION_MARKERS + HIDDEN_MARKERS + ("Model answer",)


def source(assignment):
    return nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)


@pytest.fixture(scope="module")
def site():
    """The built site's HTML folder (built afresh, as `make book` does)."""
    shutil.rmtree(SHOTS, ignore_errors=True)
    return build(OUT)


@pytest.fixture(scope="module")
def server(site):
    with Server(site) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is missing: `make test` installs it (pip install -e '.[browser]')")
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        context = chromium.new_context(viewport={"width": 1280, "height": 900},
                                       service_workers="block")
        yield context
        chromium.close()


def record(name, seen, expected):
    """Keep what a page showed next to its screenshot, for people to read."""
    summary = {"url": seen.url, "title": seen.title, "headings": len(seen.headings),
               "formulas": f"{seen.formulas} typeset of {expected.formulas}",
               "images": [f"{i['width']:.0f}x{i['height']:.0f}" for i in seen.images],
               "console errors": seen.console_errors, "outside requests": seen.outside_requests}
    (SHOTS / f"{name}.json").write_text(json.dumps(summary, indent=1) + "\n")


# --- the real pages ------------------------------------------------------------------

@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_notebook_page(site, server, browser, assignment):
    page_nb = nbformat.read(OUT / "src" / f"{assignment}.ipynb", as_version=4)
    expected = expected_from(page_nb, secret_lines(source(assignment)), MARKERS)
    seen = open_page(browser, f"{server.url}{assignment}.html", SHOTS / f"{assignment}.png")
    record(assignment, seen, expected)
    assert problems(seen, expected) == []
    assert expected.formulas > 0 and expected.code and expected.secrets  # not vacuous
    # navigation: the course page and every notebook page; the page's own contents
    for name in ["index"] + ASSIGNMENTS:
        assert f"{name}.html" in seen.links or name == assignment
    assert len(expected.sections) >= 2
    # the way to the notebook: its student version, as in notebooks/, and make lab
    download = next(href for href in seen.links if href.endswith(f"/{assignment}.ipynb"))
    release = ROOT / "notebooks" / assignment / f"{assignment}.ipynb"
    assert (site / download).read_bytes() == release.read_bytes()
    assert f"my_work/{assignment}/{assignment}.ipynb" in seen.text and "make lab" in seen.text


def test_course_page(site, server, browser):
    index = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell((OUT / "src" / "index.md").read_text())])
    expected = expected_from(index, markers=MARKERS)
    seen = open_page(browser, f"{server.url}index.html", SHOTS / "index.png")
    record("index", seen, expected)
    assert problems(seen, expected) == []
    for name in ASSIGNMENTS:
        assert f"{name}.html" in seen.links
    readme = (ROOT / "README.md").read_text()
    planned = set(course_notebooks(readme)) - set(ASSIGNMENTS)
    assert len(set(course_notebooks(readme)) | set(ASSIGNMENTS)) >= 7
    text = " ".join(visible_text((site / "index.html").read_text()).split())
    for name in planned:
        assert f"{name} (coming)" in text
    for words in ("make lab", "self-study route", "solutions/", "works offline", "no network"):
        assert words in text


def test_search_works_offline(site, server, browser):
    seen = open_page(browser, f"{server.url}search.html?q=Jacobian", SHOTS / "search.png")
    page = browser.new_page()
    page.goto(f"{server.url}search.html?q=Jacobian")
    page.wait_for_selector("#search-results li a", timeout=20_000)
    hits = page.eval_on_selector_all("#search-results li a", "as => as.map(a => a.href)")
    page.close()
    assert any("01_gradients.html" in hit for hit in hits)
    assert check_console(seen, None) == [] and check_offline(seen, None) == []


def test_every_file_of_the_site_is_free_of_secrets(site):
    # One notebook's hidden line may stand in another's student version.
    public = {line.strip() for a in ASSIGNMENTS for cell in nbformat.read(
        ROOT / "notebooks" / a / f"{a}.ipynb", as_version=4).cells
        for line in cell.source.splitlines()}
    secrets = set().union(*(secret_lines(source(a)) for a in ASSIGNMENTS)) - public
    checked = 0
    for path in site.rglob("*"):
        if path.suffix == ".html":
            text = visible_text(path.read_text())
        elif path.suffix == ".ipynb":
            nb = nbformat.read(path, as_version=4)
            text = "\n".join([c.source for c in nb.cells] + [json.dumps(c.get("outputs", []))
                                                           for c in nb.cells])
        elif path.suffix in (".js", ".txt", ".json") and "mathjax" not in path.parts:
            text = path.read_text(errors="replace")
        else:
            continue
        checked += 1
        assert not secrets & {line.strip() for line in text.splitlines()}, path
        assert not [m for m in MARKERS if m in text], path
    assert checked > len(ASSIGNMENTS)


def test_every_notebook_in_solutions_becomes_a_page(site, tmp_path):
    # A notebook added to solutions/ (and notebooks/) appears with no other change.
    root = tmp_path / "course"
    for part in ("solutions", "notebooks"):
        shutil.copytree(ROOT / part, root / part)
    for part in ("README.md", "nbgrader_config.py"):
        shutil.copy(ROOT / part, root / part)
    for part in ("solutions", "notebooks"):
        extra = root / part / "08_extra"
        extra.mkdir()
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 08 · Extra")])
        nbformat.write(nb, extra / "08_extra.ipynb")
    write_sources(tmp_path / "src", root)
    assert "- file: 08_extra" in (tmp_path / "src" / "_toc.yml").read_text()
    assert "[08 · Extra](08_extra.ipynb)" in (tmp_path / "src" / "index.md").read_text()
    assert (tmp_path / "src" / "08_extra.ipynb").is_file()


# --- each check fails on a page that breaks it ---------------------------------------

GOOD = """<!doctype html><html><head><meta charset="utf-8"><title>A page — test</title>
<script defer src="mathjax/tex-chtml.js"></script></head><body>
<nav id="pst-page-toc-nav"><a href="#part">Part</a></nav><article>
<h1>A page</h1><p>A formula: <span class="math">\\(x^2\\)</span>.</p>
<h2 id="part">Part</h2><pre>y = f(x)</pre><div class="cell_output"><img src="dot.png"></div>
</article></body></html>"""

BROKEN = [
    # (check, replacements that break the good page, what the check must say)
    (check_title, [("<h1>A page</h1>", "<h1>Another page</h1>")], "title"),
    (check_headings, [('<h2 id="part">Part</h2>', "")], "headings missing"),
    (check_toc, [('<a href="#part">Part</a>', "")], "contents"),
    (check_formulas, [('<script defer src="mathjax/tex-chtml.js"></script>', "")], "0 typeset"),
    (check_formulas, [("\\(x^2\\)", "\\(x^^2\\)")], "MathJax errors"),
    (check_images, [("dot.png", "missing.png")], "not displayed"),
    (check_images, [('<img src="dot.png">', '<img src="dot.png" style="width: 0">')],
     "not displayed"),
    (check_code, [("<pre>y = f(x)</pre>", "")], "code not shown"),
    (check_console, [("</article>", "<script>console.error('broken')</script></article>")],
     "broken"),
    (check_console, [("</article>", "<script>not_a_function()</script></article>")],
     "script error"),
    (check_offline, [("</head>", '<link rel="stylesheet" '
                      'href="https://fonts.googleapis.com/css?family=Roboto"></head>')],
     "fonts.googleapis.com"),
    (check_secrets, [("</article>", '<div style="display: none"><pre>return 42</pre></div>'
                      "</article>")], "return 42"),
    (check_secrets, [("</article>", "<pre>### BEGIN HIDDEN TESTS</pre></article>")],
     "### BEGIN HIDDEN TESTS"),
]


def expected_of_test_page():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# A page\nA formula: $x^2$.\n## Part"),
        nbformat.v4.new_code_cell("y = f(x)", outputs=[nbformat.v4.new_output(
            "display_data", {"image/png": ""})])])
    return expected_from(nb, secrets={"return 42"}, markers=MARKERS)


@pytest.fixture(scope="module")
def broken_pages(site, tmp_path_factory):
    """A folder of small pages, served with the site's MathJax: good.html, and
    broken<N>.html for each case of BROKEN."""
    folder = tmp_path_factory.mktemp("pages")
    (folder / "mathjax").symlink_to(site / "_static" / "mathjax")
    shutil.copy(next(site.glob("_images/*.png")), folder / "dot.png")
    (folder / "favicon.ico").write_bytes(b"")  # Chromium asks for it
    (folder / "good.html").write_text(GOOD)
    for number, (_, replacements, _) in enumerate(BROKEN):
        html = GOOD
        for old, new in replacements:
            assert old in html
            html = html.replace(old, new)
        (folder / f"broken{number}.html").write_text(html)
    with Server(folder) as running:
        yield running


def test_a_good_test_page_passes_every_check(broken_pages, browser):
    seen = open_page(browser, f"{broken_pages.url}good.html")
    assert problems(seen, expected_of_test_page()) == []


def test_each_check_fails_on_a_page_that_breaks_it(broken_pages, browser):
    assert {check for check, _, _ in BROKEN} == set(CHECKS)
    expected = expected_of_test_page()
    for number, (check, replacements, says) in enumerate(BROKEN):
        found = check(open_page(browser, f"{broken_pages.url}broken{number}.html"), expected)
        assert any(says in problem for problem in found), (check.__name__, replacements, found)
