"""Reading what the monitor reported, and looking for what it cannot see.

    GuardLog      one kernel's signed log: every line must carry the kernel's
                  key and follow the one before; what is missing, forged or
                  out of order is a finding like any other
    leaks         lines of a hidden test in a cell's outputs (the student read
                  the test's source: through In/_ih, linecache, a frame ...)
"""

import hmac
import re

from course_grader.guard.monitor import SEP, sign

__all__ = ["GuardLog", "leaks", "Flag"]

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def Flag(kind, detail, cell=None, hold=True):
    """A finding for the report; ``hold``: the score waits for a TA's review."""
    return {"kind": kind, "detail": detail, "cell": cell, "hold": hold}


class GuardLog:
    """The log of one kernel, read as it grows."""

    def __init__(self, path, key):
        self.path, self.key = path, key
        self.offset = 0
        self.seq = 0
        self.armed = False
        self.reported = False
        self.flags = []

    def read(self, cell, final=False):
        try:
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                data = f.read()
        except FileNotFoundError:
            data = b""
        complete, _, _ = data.rpartition(b"\n")
        if complete:
            self.offset += len(complete) + 1
            for raw in complete.split(b"\n"):
                self._line(raw.decode("utf-8", "replace"), cell)
        if final:
            self.finish(cell)

    def _line(self, line, cell):
        parts = line.split(SEP)
        if len(parts) != 4 or not hmac.compare_digest(
                sign(self.key, parts[0], parts[1], parts[2]), line + "\n"):
            self.flags.append(Flag("forged report", f"a line not signed by the monitor: "
                                   f"{line[:80]!r}", cell))
            return
        seq, kind, detail, _ = parts
        if seq != str(self.seq):
            self.flags.append(Flag("report tampered", f"line {seq} came where line {self.seq} "
                                   "belonged (lines were removed or replayed)", cell))
        self.seq = int(seq) + 1 if seq.isdigit() else self.seq + 1
        if kind == "armed":
            self.armed = True
        elif kind == "report":
            self.reported = True
        else:
            self.flags.append(Flag(kind, detail, cell))

    def finish(self, cell):
        """The kernel's run is over: it must have armed and reported."""
        if not self.armed:
            self.flags.append(Flag("monitor silenced", "the monitor never started", cell))
        elif not self.reported:
            self.flags.append(Flag("monitor silenced", "no final report from the monitor "
                                   "(its log was cut, or the last cell was stopped)", cell))


def output_text(cell, tracebacks=True):
    """Everything a cell's outputs show, as text (ANSI colours removed).

    tracebacks=False: what the student's code printed, displayed or put in an
    exception's message, without the source lines a traceback quotes (a test
    that fails quotes its own line: that is no doing of the student).
    """
    texts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            texts.append(out.text)
        elif out.output_type == "error":
            texts.append(out.get("evalue", ""))
            if tracebacks:
                texts.append("\n".join(out.get("traceback", [])))
        else:
            for value in out.get("data", {}).values():
                texts.append(value if isinstance(value, str) else "\n".join(value)
                             if isinstance(value, list) else str(value))
    return ANSI.sub("", "\n".join(texts))


def leaks(nb, secret):
    """[(cell index, line)] of secret lines (stripped) the student's code output."""
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        text = output_text(cell, tracebacks=False)
        for line in secret:
            if line in text:
                found.append((index, line))
    return found
