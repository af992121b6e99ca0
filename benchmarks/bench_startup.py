"""How long a student waits: importing course_lib, and running each solution notebook.

Run by hand (not part of `make test`):

    .venv/bin/python benchmarks/bench_startup.py

Each figure is measured side by side with a baseline in the same run, the runs
interleaved, and reported as a median and a ratio:
  * `import course_lib` (lazy: loads its subpackages on first use), and
    `import course_lib.check, course_lib.nn` (what a notebook's first cell loads),
    each against `import numpy`;
  * executing a solution notebook against executing an empty notebook (what
    the notebook adds to starting a kernel).
The targets (issue 2) are at most 0.2 s for the import and 10 s per notebook.
"""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
REPEATS = 5


def import_seconds(module):
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout)


def execute_seconds(nb):
    start = time.perf_counter()
    resources = {"metadata": {"path": str(ROOT)}}
    NotebookClient(nb, timeout=120, kernel_name="python3", resources=resources).execute()
    return time.perf_counter() - start


def median_pair(first, second):
    a, b = [], []
    for _ in range(REPEATS):  # interleaved, so drift hits both alike
        a.append(first())
        b.append(second())
    return statistics.median(a), statistics.median(b)


def main():
    blas = {k: os.environ.get(k, "(unset)") for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {blas}, median of {REPEATS}")

    for module in ("course_lib", "course_lib.check, course_lib.nn"):
        lib, base = median_pair(lambda: import_seconds(module), lambda: import_seconds("numpy"))
        print(f"import {module} {lib:.3f} s | import numpy {base:.3f} s | "
              f"ratio {lib / base:.2f} | target <= 0.2 s: {'ok' if lib <= 0.2 else 'MISSED'}")

    empty = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")])
    for path in sorted((ROOT / "solutions").glob("*/*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        full, bare = median_pair(lambda: execute_seconds(nbformat.from_dict(nb)),
                                 lambda: execute_seconds(nbformat.from_dict(empty)))
        print(f"{path.parent.name}: {full:.2f} s | empty notebook {bare:.2f} s | "
              f"ratio {full / bare:.2f} | target <= 10 s: {'ok' if full <= 10 else 'MISSED'}")


if __name__ == "__main__":
    main()
