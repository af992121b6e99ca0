"""Write the course's Jupyter Book from solutions/ and build it into a static site.

The book's sources are written afresh on every build into ``<out>/src``: one
page per notebook found in ``solutions/*/`` (the student-safe version, see
``course_book.student``), the course page, the table of contents and the
settings.  A notebook added to solutions/ appears in the book with no other
change.  ``jupyter-book build`` then writes the site to ``<out>/_build/html``.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from traitlets.config.loader import PyFileConfigLoader

from course_book.student import student_page

__all__ = ["PAGE_NOTE", "assignments", "build", "course_notebooks", "title", "write_sources"]

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MATHJAX = HERE / "node_modules" / "mathjax" / "es5"
# MathJax's combined files that the site does not load (it loads tex-chtml.js);
# latest.js would load MathJax from a CDN.
UNUSED_MATHJAX = ("mml-*.js", "tex-mml-*.js", "tex-svg*.js", "tex-chtml-full*.js",
                  "node-main.js", "latest.js")

# Inserted below each notebook's title: the way from the page to the notebook.
PAGE_NOTE = """\
```{{admonition}} Work through this notebook
:class: tip
This page shows the student version of the notebook: each exercise as a stub, no solutions.
To work it, run `make lab` in a copy of the course's repository and open
`my_work/{name}/{name}.ipynb` in JupyterLab, or download the student version
{{download}}`{name}.ipynb <downloads/{name}.ipynb>`.
Cells whose output depends on an exercise's answer show no output here: run the notebook to see it.
```"""


def assignments(root=ROOT):
    """The notebooks of the course: every solutions/<name>/<name>.ipynb, in order."""
    return sorted(p.name for p in (root / "solutions").iterdir()
                  if (p / f"{p.name}.ipynb").is_file())


def title(nb):
    """A notebook's title: the first level-1 heading of its markdown."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^# (.+)$", cell.source, re.MULTILINE)
            if match:
                return match.group(1).strip()
    raise ValueError("the notebook has no '# title' heading")


def course_notebooks(readme):
    """{name: topic} of the seven notebooks, from the README's table of notebooks."""
    rows = re.findall(r"^\|\s*\d+\s*\|\s*`(\w+)`\s*\|([^|]*)\|", readme, re.MULTILINE)
    return {name: topic.strip() for name, topic in rows}


def _notebook_table(readme, titles):
    """The course page's table of the seven notebooks; ``titles``: {name: title} of
    those written, which link to their pages."""
    topics = course_notebooks(readme)
    lines = ["| # | notebook | topic | student version |", "|---|---|---|---|"]
    for name in sorted(set(topics) | set(titles)):
        number = int(name.split("_")[0]) if name[:2].isdigit() else ""
        if name in titles:
            page = f"[{titles[name]}]({name}.ipynb)"
            download = f"{{download}}`{name}.ipynb <downloads/{name}.ipynb>`"
        else:
            page, download = f"`{name}` (coming)", "coming"
        lines.append(f"| {number} | {page} | {topics.get(name, '')} | {download} |")
    return "\n".join(lines)


def _page(root, name, config):
    """The student version of a notebook with PAGE_NOTE right below its title."""
    source = nbformat.read(root / "solutions" / name / f"{name}.ipynb", as_version=4)
    page = student_page(source, config)
    first = next(i for i, c in enumerate(page.cells) if c.cell_type == "markdown")
    head, _, rest = page.cells[first].source.partition("\n")
    note = nbformat.v4.new_markdown_cell(PAGE_NOTE.format(name=name))
    if head.startswith("# "):  # split the title off its cell, to put the note below it
        page.cells[first].source = rest
        page.cells[first:first] = [nbformat.v4.new_markdown_cell(head), note]
    else:
        page.cells.insert(first, note)
    return page


def write_sources(src, root=ROOT):
    """Write the book's sources into folder ``src`` (emptied first)."""
    if not MATHJAX.is_dir():
        raise FileNotFoundError(f"MathJax is missing ({MATHJAX}): run `make book`, "
                                "which installs it with npm.")
    shutil.rmtree(src, ignore_errors=True)
    (src / "downloads").mkdir(parents=True)
    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    names = assignments(root)
    titles = {}
    for name in names:
        release = root / "notebooks" / name / f"{name}.ipynb"
        if not release.is_file():
            raise FileNotFoundError(f"{release} is missing: run `make student-versions`.")
        shutil.copyfile(release, src / "downloads" / f"{name}.ipynb")
        page = _page(root, name, config)
        nbformat.write(page, src / f"{name}.ipynb")
        titles[name] = title(page)
    table = _notebook_table((root / "README.md").read_text(), titles)
    (src / "index.md").write_text((HERE / "course.md").read_text().replace("<!-- NOTEBOOKS -->",
                                                                          table))
    toc = ["format: jb-book", "root: index", "parts:", "  - caption: Notebooks", "    chapters:"]
    (src / "_toc.yml").write_text("\n".join(toc + [f"      - file: {n}" for n in names]) + "\n")
    shutil.copyfile(HERE / "_config.yml", src / "_config.yml")
    # Not in _static/: Jupyter Book would add every .js file there to every page.
    shutil.copytree(MATHJAX, src / "_assets" / "mathjax",
                    ignore=shutil.ignore_patterns(*UNUSED_MATHJAX))
    shutil.copyfile(HERE / "favicon.svg", src / "_assets" / "favicon.svg")


def build(out, root=ROOT):
    """Build the site into ``out``; returns the folder of its HTML files."""
    out = Path(out).resolve()
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    if not jupyter_book.is_file():
        raise FileNotFoundError("Jupyter Book is not installed: `make book` installs it "
                                "(pip install -e '.[book]').")
    write_sources(out / "src", root)
    shutil.rmtree(out / "_build", ignore_errors=True)
    # -W: a warning (a broken link, a page missing from the contents) fails the build.
    subprocess.run([jupyter_book, "build", out / "src", "--path-output", out,
                    "-W", "--keep-going", "--quiet"], check=True)
    return out / "_build" / "html"
