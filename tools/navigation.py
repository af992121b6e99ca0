"""Give every course notebook the same standard cells (for course authors).

    python tools/navigation.py [NOTEBOOK.ipynb ...]   (default: solutions/*/*.ipynb)

or ``make navigation``, which also re-executes the solutions and regenerates
notebooks/.  Each notebook gets, the same way every time:

* right after its title cell, a *contents* cell: a link to each ``##``
  section, then Previous / Next links to the neighbouring notebooks, a link
  to its page in the course's site (``make book``) and one to the README's
  "When you are stuck";
* at its end, a *navigation* cell ("## Your progress", what the next cell
  does, the same links), and as the very last cell a *progress* cell that
  calls ``course_lib.progress.show_progress`` for this notebook.

The cells are found again by their tags, so running the script twice changes
nothing, and after a notebook is added or a section renamed it updates them.
Nothing else in a notebook changes, except that a summary's
"Next: **02 · Title**" becomes a link once notebook 02 exists.

Section links use JupyterLab's anchors: the heading's text with every space
turned into "-" (``heading_anchor``).  A heading with maths has no stable
anchor and is listed without a link.
"""

import re
import sys
import textwrap
from pathlib import Path

import nbformat

TAGS = {"contents": "course-contents", "navigation": "course-navigation",
        "progress": "course-progress"}
STUCK = "[When you are stuck](../../README.md#when-you-are-stuck)"
# where `make book` puts a notebook's page (python -m course_book build/book), seen from
# the notebook's folder: solutions/, notebooks/ and my_work/ all sit two levels down
PAGE = "../../build/book/_build/html/{name}.html"
PROGRESS_TEXT = textwrap.fill(
    "Run the cell below at any time. It runs the visible tests of every exercise again, "
    "on the code this kernel has run, and lists what passes, what fails and what is not "
    "written yet, with the points. It reads the list of exercises from the saved notebook, "
    "so save first; it is not graded, and hidden tests run only when the notebook is graded.",
    width=96)


def heading_anchor(text):
    """JupyterLab's id for a heading: its rendered text, spaces replaced by "-"."""
    return plain(text).replace(" ", "-")


def plain(text):
    """Markdown inline formatting removed: the text a reader sees."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links
    text = re.sub(r"`([^`]*)`", r"\1", text)                # code
    return re.sub(r"(\*\*|__|\*|_)(\S(?:.*?\S)?)\1", r"\2", text).strip()


def sections(nb):
    """Texts of the ## headings of a notebook's own (not generated) markdown cells."""
    found = []
    for cell in nb.cells:
        if cell.cell_type != "markdown" or _tag(cell):
            continue
        fenced = False
        for line in cell.source.splitlines():
            if line.lstrip().startswith("```"):
                fenced = not fenced
            elif not fenced and line.startswith("## "):
                found.append(line[3:].strip())
    return found


def title(nb):
    first = nb.cells[0].source.splitlines()[0]
    return plain(first.lstrip("#").strip())


def _tag(cell):
    return next((key for key, tag in TAGS.items() if tag in cell.metadata.get("tags", [])),
                None)


def links(path, course):
    """The Previous / Next / stuck line for the notebook at ``path``."""
    names = [p.stem for p in course]
    k = names.index(path.stem)
    parts = []
    if k > 0:
        parts.append(f"**Previous:** [{title(_read(course[k - 1]))}]"
                     f"(../{names[k - 1]}/{names[k - 1]}.ipynb)")
    if k + 1 < len(names):
        parts.append(f"**Next:** [{title(_read(course[k + 1]))}]"
                     f"(../{names[k + 1]}/{names[k + 1]}.ipynb)")
    page = f"[This notebook as a web page]({PAGE.format(name=path.stem)}) (after `make book`)"
    return " · ".join(parts + [page, STUCK])


def contents(nb):
    lines = ["**Contents**", ""]
    for text in sections(nb) + ["Your progress"]:
        lines.append(f"- {text}" if "$" in text or "(" in text else
                     f"- [{text}](#{heading_anchor(text)})")
    return "\n".join(lines)


def _read(path):
    return nbformat.read(path, as_version=4)


def _put(nb, key, cell, index):
    """Put ``cell`` at ``index`` (-1: the end) in place of the cell tagged ``key``; an
    unchanged old cell stays as it is (with its outputs and id)."""
    cell.metadata["tags"] = [TAGS[key]]
    cell.id = key
    old = next((c for c in nb.cells if _tag(c) == key), None)
    if old is not None:
        nb.cells.remove(old)
        cell = old if (old.cell_type, old.source) == (cell.cell_type, cell.source) else cell
    nb.cells.insert(len(nb.cells) if index < 0 else index, cell)


def _link_next_in_summary(nb, course):
    """'Next: **02 · Title**' in the notebook's own text becomes a link, if 02 exists."""
    by_number = {p.stem[:2]: p.stem for p in course}

    def link(match):
        name = by_number.get(match[2])
        return f"{match[1]}[{match[2]}{match[3]}](../{name}/{name}.ipynb)" if name \
            else match[0]

    for cell in nb.cells:
        if cell.cell_type == "markdown" and not _tag(cell):
            cell.source = re.sub(r"^(Next: )\*\*(\d\d)( · [^*]+)\*\*", link, cell.source,
                                 flags=re.M)


def update(path, course):
    """Add or refresh the standard cells of one notebook; True if the file changed."""
    nb = _read(path)
    before = nbformat.writes(nb)
    nav = links(path, course)
    _link_next_in_summary(nb, course)
    _put(nb, "contents", nbformat.v4.new_markdown_cell(f"{contents(nb)}\n\n{nav}"), 1)
    _put(nb, "navigation", nbformat.v4.new_markdown_cell(
        f"## Your progress\n\n{PROGRESS_TEXT}\n\n{nav}"), -1)
    _put(nb, "progress", nbformat.v4.new_code_cell(
        f'from course_lib.progress import show_progress\n\nshow_progress("{path.stem}")'), -1)
    after = nbformat.writes(nb)
    if after != before:
        nbformat.write(nb, path)
    return after != before


def course_of(path):
    """All notebooks of the course that ``path`` belongs to, in order."""
    return sorted(p for p in path.resolve().parent.parent.glob("[0-9][0-9]_*/*.ipynb")
                  if p.stem == p.parent.name)


def main(paths):
    paths = [Path(p) for p in paths] or sorted(Path("solutions").glob("*/*.ipynb"))
    for path in paths:
        changed = update(path, course_of(path))
        print(f"{path}: {'updated' if changed else 'unchanged'}")


if __name__ == "__main__":
    main(sys.argv[1:])
