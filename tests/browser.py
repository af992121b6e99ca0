"""A reader's browser for the book's tests: Debian's Chromium, driven by playwright.

``Server`` serves a folder on 127.0.0.1; ``open_page`` opens one page the way a
reader would, waits until MathJax has typeset it, saves a screenshot and
returns what the page showed (``Seen``); ``problems`` compares that with what
the notebook holds (``Expected``).  Each check is its own function, so a test
can show that each one fails on a page that breaks it.

No request may leave 127.0.0.1: every other one is recorded and aborted
before it is sent, and Chromium is started with a host resolver that knows
no other host, without proxy and without its background services.
"""

import functools
import os
import re
import subprocess
import threading
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

LOCAL_HOST = "127.0.0.1"
# Debian's Chromium as the machine notes say it runs here, plus: no host but
# 127.0.0.1 resolves, and no proxy is asked.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    f"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE {LOCAL_HOST}", "--no-proxy-server",
]
MATH_TOKENS = {"math_inline", "math_inline_double", "math_block", "math_block_label"}
# TeX that MathJax did not typeset: a delimiter, a command, or a $...$ pair.
RAW_TEX = re.compile(r"\\[()\[\]]|\\[A-Za-z]+|\$[^$\s][^$]*\$")
IMAGE_TYPES = ("image/png", "image/svg+xml", "image/jpeg", "image/gif")


def chromium_binary():
    """The real program of Debian's chromium package (the `chromium` command is
    a shell script, which playwright cannot start), or $CHROMIUM_BINARY."""
    if os.environ.get("CHROMIUM_BINARY"):
        return os.environ["CHROMIUM_BINARY"]
    listing = subprocess.run(["dpkg", "-L", "chromium"], capture_output=True, text=True)
    for line in listing.stdout.splitlines():
        path = Path(line)
        if path.name == "chromium" and path.is_file() and os.access(path, os.X_OK):
            with path.open("rb") as program:
                if program.read(4) == b"\x7fELF":
                    return str(path)
    raise RuntimeError("Debian's chromium is not installed: `make test` installs it "
                       "(apt-get install chromium), or set CHROMIUM_BINARY.")


class Server:
    """A real HTTP server for one folder, on 127.0.0.1 and a free port, in a thread."""

    def __init__(self, folder):
        class Quiet(SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer((LOCAL_HOST, 0),
                                         functools.partial(Quiet, directory=str(folder)))
        self.url = f"http://{LOCAL_HOST}:{self.httpd.server_port}/"

    def __enter__(self):
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


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


def expected_from(nb, secrets=(), markers=()):
    """Expected of a page made from notebook ``nb`` (as the page shows it)."""
    headings, sections, formulas = [], [], 0
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        tokens = _markdown().parse(cell.source)
        for i, token in enumerate(tokens):
            if token.type == "heading_open":
                headings.append(_inline_text(tokens[i + 1]))
                if token.tag == "h2":
                    sections.append(headings[-1])
            formulas += token.type in MATH_TOKENS
            formulas += sum(child.type in MATH_TOKENS for child in token.children or [])
    images = sum(any(kind in out.get("data", {}) for kind in IMAGE_TYPES)
                 for cell in nb.cells for out in cell.get("outputs", []))
    code = [line.strip() for cell in nb.cells if cell.cell_type == "code"
            for line in cell.source.splitlines() if line.strip()]
    return Expected(title=headings[0], headings=headings, sections=sections,
                    formulas=formulas, images=images, code=code, secrets=set(secrets),
                    markers=tuple(markers))


# --- what the browser shows ---------------------------------------------------------

@dataclass
class Seen:
    """What a page showed in Chromium."""
    url: str
    title: str = ""
    headings: list = field(default_factory=list)
    formulas: int = 0  # typeset by MathJax, in the page's article
    math_errors: int = 0
    raw_tex: list = field(default_factory=list)
    images: list = field(default_factory=list)  # {src, width, height, natural, in_output}
    text: str = ""  # all of the page's text, hidden parts too, a line per block
    console_errors: list = field(default_factory=list)
    outside_requests: list = field(default_factory=list)
    links: list = field(default_factory=list)  # hrefs in the page's navigation and article
    toc: list = field(default_factory=list)  # entries of the page's own table of contents


READ_PAGE = """() => {
  const article = document.querySelector('article') || document.body;
  // All the text of the page, hidden parts too, one line per block of text
  // (textContent runs blocks together; innerText leaves hidden parts out).
  const INLINE = new Set(['A', 'ABBR', 'B', 'CODE', 'EM', 'I', 'KBD', 'SMALL', 'SPAN',
                          'STRONG', 'SUB', 'SUP', 'VAR']);
  const linesOf = node => {
    const copy = node.cloneNode(true);
    copy.querySelectorAll('*').forEach(e => {
      if (!INLINE.has(e.tagName) && !e.tagName.startsWith('MJX-')) {
        e.before('\\n'); e.after('\\n');
      }
    });
    return copy.textContent;
  };
  const text = (node, drop) => {
    const copy = node.cloneNode(true);
    copy.querySelectorAll(drop).forEach(e => e.remove());
    return copy.textContent.replace(/\\s+/g, ' ').trim();
  };
  const box = e => e.getBoundingClientRect();
  return {
    title: document.title,
    headings: [...article.querySelectorAll('h1, h2, h3, h4, h5, h6')].map(
      h => text(h, 'mjx-container, .headerlink')),
    formulas: article.querySelectorAll('mjx-container').length,
    math_errors: document.querySelectorAll('mjx-merror, [data-mjx-error]').length,
    prose: text(article, 'pre, code, script, style, mjx-container'),
    images: [...article.querySelectorAll('img'),  // plots and graphs; not icons in buttons
             ...article.querySelectorAll('.cell_output svg')].filter(
      e => !e.closest('button')).map(e => ({
      src: e.getAttribute('src') || e.tagName,
      width: box(e).width, height: box(e).height,
      natural: e.tagName === 'IMG' ? (e.complete ? e.naturalWidth : 0) : box(e).width,
      in_output: !!e.closest('.cell_output')})),
    text: linesOf(document.documentElement),
    links: [...document.querySelectorAll('nav a, article a')].map(a => a.getAttribute('href')),
    toc: [...document.querySelectorAll('#pst-page-toc-nav a')].map(a => text(a, 'mjx-container')),
  };
}"""

# MathJax's first typesetting is done (or it is not on the page, or 20 s passed).
MATHJAX_DONE = """() => window.MathJax && MathJax.startup && MathJax.startup.promise
  ? Promise.race([MathJax.startup.promise.then(() => true),
                  new Promise(done => setTimeout(() => done(false), 20000))])
  : false"""


def _is_local(url):
    parts = urlsplit(url)
    return parts.scheme not in ("http", "https", "ws", "wss") or parts.hostname == LOCAL_HOST


def open_page(context, url, screenshot=None):
    """Open ``url`` in a new tab of ``context``; what it showed, once typeset."""
    seen = Seen(url=url)
    page = context.new_page()

    def outside(url):
        if not _is_local(url) and url not in seen.outside_requests:
            seen.outside_requests.append(url)

    def guard(route):  # every request of the page passes here before it is sent
        outside(route.request.url)
        if _is_local(route.request.url):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    page.route("**/*", guard)
    page.on("request", lambda request: outside(request.url))  # in case one is not routed
    page.on("console", lambda m: m.type == "error" and seen.console_errors.append(m.text))
    page.on("pageerror", lambda e: seen.console_errors.append(f"script error: {e}"))
    page.on("response", lambda r: r.status >= 400 and seen.console_errors.append(
        f"HTTP {r.status}: {r.url}"))
    try:
        page.goto(url, wait_until="load")
        page.evaluate(MATHJAX_DONE)
        data = page.evaluate(READ_PAGE)
        if screenshot:
            Path(screenshot).parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=screenshot, full_page=True)
    finally:
        page.close()
    seen.raw_tex = RAW_TEX.findall(data.pop("prose"))
    for key, value in data.items():
        setattr(seen, key, value)
    return seen


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
    if seen.raw_tex:
        found.append(f"formulas: TeX shown as text: {seen.raw_tex[:5]}")
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
    return [f"request leaving {LOCAL_HOST}: {url}" for url in seen.outside_requests]


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


def launch(playwright):
    return playwright.chromium.launch(executable_path=chromium_binary(), args=CHROMIUM_ARGS)
