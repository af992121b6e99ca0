"""What a page of the book must show, and the checks of what it did show.

``expected_from`` reads a notebook (``Expected``); each ``check_*`` compares it
with what the browser showed (``browser.Seen``) and returns what is wrong.
Each check is its own function, so a test can show that each one fails on a
page that breaks it.
"""

import re
from dataclasses import dataclass, field

MATH_TOKENS = {"math_inline", "math_inline_double", "math_block", "math_block_label"}
# TeX that MathJax did not typeset: a delimiter, a command, or a $...$ pair.
RAW_TEX = re.compile(r"\\[()\[\]]|\\[A-Za-z]+|\$[^$\s][^$]*\$")
IMAGE_TYPES = ("image/png", "image/svg+xml", "image/jpeg", "image/gif")
# Of an output's kinds of data, a page shows the first of these (myst-nb's order
# for HTML; widget views are off, see course_book/_config.yml).
SHOWN_FIRST = ("application/javascript", "text/html", "image/svg+xml", "image/png", "image/gif",
               "image/jpeg", "text/markdown", "text/latex", "text/plain")


# --- what the notebook holds --------------------------------------------------------

@dataclass
class Expected:
    """What a page must show, taken from the notebook it is made from."""
    title: str
    headings: list  # every heading's text, in order (without its formulas)
    sections: list  # the level-2 headings, which the page's table of contents lists
    formulas: int  # $...$ and $$...$$ in the markdown
    images: int  # image outputs
    code: list = field(default_factory=list)  # every line of code that must appear
    secrets: set = field(default_factory=set)  # lines that must not appear
    markers: tuple = ()  # text that must not appear anywhere (BEGIN SOLUTION, ...)


def _markdown():
    """The markdown parser MyST is built on, with its formulas ($...$, $$...$$)."""
    from markdown_it import MarkdownIt  # comes with the book's packages (.[book])
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    return MarkdownIt("commonmark").enable("table").use(dollarmath_plugin, double_inline=True)


def _inline_text(token):
    return " ".join("".join(child.content for child in token.children
                            if child.type in ("text", "code_inline")).split())


def _formulas(tokens):
    return sum((token.type in MATH_TOKENS)
               + sum(child.type in MATH_TOKENS for child in token.children or [])
               for token in tokens)


def _shown(output):
    """The kind of data a page shows for a cell output (as myst-nb chooses it)."""
    return next((kind for kind in SHOWN_FIRST if kind in output.get("data", {})), None)


def expected_from(nb, secrets=(), markers=()):
    """Expected of a page made from notebook ``nb`` (as the page shows it)."""
    headings, sections, formulas, images, code = [], [], 0, 0, []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            tokens = _markdown().parse(cell.source)
            formulas += _formulas(tokens)
            for i, token in enumerate(tokens):
                if token.type == "heading_open":
                    headings.append(_inline_text(tokens[i + 1]))
                    if token.tag == "h2":
                        sections.append(headings[-1])
            continue
        code += [line.strip() for line in cell.source.splitlines() if line.strip()]
        for output in cell.get("outputs", []):
            shown = _shown(output)
            images += shown in IMAGE_TYPES
            if shown == "text/markdown":
                formulas += _formulas(_markdown().parse(output.data[shown]))
            formulas += shown == "text/latex"
    return Expected(title=headings[0], headings=headings, sections=sections,
                    formulas=formulas, images=images, code=code, secrets=set(secrets),
                    markers=tuple(markers))


# --- the checks: each returns what is wrong, [] when nothing is -------------------

def check_title(seen, expected):
    shown = seen.headings[0] if seen.headings else None
    if not seen.title.startswith(expected.title) or shown != expected.title:
        return [f"title: expected {expected.title!r}, the page has <title> {seen.title!r} "
                f"and first heading {shown!r}"]
    return []


def check_headings(seen, expected):
    missing = [h for h in expected.headings if h not in seen.headings]
    if missing:
        return [f"headings missing: {missing}"]
    if [h for h in seen.headings if h in expected.headings] != expected.headings:
        return ["headings out of order"]
    return []


def check_toc(seen, expected):
    missing = [s for s in expected.sections if s not in seen.toc]
    return [f"contents of the page: {missing} missing"] if missing else []


def check_formulas(seen, expected):
    found = []
    if seen.formulas != expected.formulas:
        found.append(f"formulas: {expected.formulas} in the notebook, "
                     f"{seen.formulas} typeset by MathJax")
    if seen.math_errors:
        found.append(f"formulas: {seen.math_errors} MathJax errors")
    raw_tex = RAW_TEX.findall(seen.prose)
    if raw_tex:
        found.append(f"formulas: TeX shown as text: {raw_tex[:5]}")
    return found


def check_images(seen, expected):
    found = [f"image not displayed: {i['src']} ({i['width']:.0f}x{i['height']:.0f}, "
             f"natural width {i['natural']})"
             for i in seen.images if not (i["width"] > 0 and i["height"] > 0 and i["natural"] > 0)]
    outputs = sum(i["in_output"] for i in seen.images)
    if outputs != expected.images:
        found.append(f"images: {expected.images} image outputs in the notebook, "
                     f"{outputs} on the page")
    return found


def check_console(seen, expected):
    return [f"console: {message}" for message in seen.console_errors]


def check_offline(seen, expected):
    return [f"request leaving 127.0.0.1: {url}" for url in seen.outside_requests]


def _lines(text):
    return {line.strip() for line in text.splitlines()}


def check_code(seen, expected):
    missing = [line for line in expected.code if line not in _lines(seen.text)]
    return [f"code not shown: {missing[:5]}"] if missing else []


def check_secrets(seen, expected):
    # Line by line, as the release and feedback tests do: a hidden test's line
    # may also be part of a longer visible one.
    shown = sorted(expected.secrets & _lines(seen.text))
    shown += [marker for marker in expected.markers if marker in seen.text]
    return [f"secret shown: {line!r}" for line in shown]


CHECKS = [check_title, check_headings, check_toc, check_formulas, check_images, check_code,
          check_console, check_offline, check_secrets]


def problems(seen, expected):
    """Everything wrong with a page, as readable lines ([] for a good page)."""
    return [problem for check in CHECKS for problem in check(seen, expected)]
