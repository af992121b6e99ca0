"""python -m course_book [OUT]: build the course's site into OUT/_build/html."""

import subprocess
import sys
from pathlib import Path

from course_book.site import ROOT, build

out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build" / "book"
try:
    html = build(out)
except FileNotFoundError as missing:
    sys.exit(str(missing))
except subprocess.CalledProcessError:
    sys.exit("The book did not build: Jupyter Book's warnings above say why.")
print(f"The course's site: {html / 'index.html'} (works offline)")
