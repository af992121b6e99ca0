"""A reader's browser for the book's tests: Debian's Chromium, driven by playwright.

``Server`` serves a folder on 127.0.0.1; ``open_page`` opens one page the way a
reader would, waits until MathJax has typeset it, saves a screenshot and
returns what the page showed (``Seen``), for ``page_checks`` to judge.

No request may leave 127.0.0.1: every other one is recorded and aborted
before it is sent, and Chromium is started with a host resolver that knows
no other host, without proxy and without its background services.
"""

import functools
import os
import subprocess
import threading
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

LOCAL_HOST = "127.0.0.1"
# Headless as root, no GPU, none of Chromium's own background connections
# (on a closed network it keeps trying to reach its vendor's hosts); and no
# host but 127.0.0.1 resolves, and no proxy is asked.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    f"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE {LOCAL_HOST}", "--no-proxy-server",
]


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


# --- what the browser shows ---------------------------------------------------------

@dataclass
class Seen:
    """What a page showed in Chromium."""
    url: str
    title: str = ""
    headings: list = field(default_factory=list)
    formulas: int = 0  # typeset by MathJax, in the page's article
    math_errors: int = 0
    prose: str = ""  # the article's text but code and typeset formulas
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
    for key, value in data.items():
        setattr(seen, key, value)
    return seen


def launch(playwright):
    return playwright.chromium.launch(executable_path=chromium_binary(), args=CHROMIUM_ARGS)
