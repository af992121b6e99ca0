"""A progress bar that is safe in a graded notebook.

``tqdm.auto`` picks a widget bar in Jupyter and a text bar elsewhere.  The
widget bar leaves one fixed output in the notebook (the text of an empty bar),
so strict nbval sees the same output on every run, and it writes nothing to
stderr.  In a Jupyter kernel without ipywidgets, tqdm would fall back to a
text bar on stderr (with a warning), which makes nbgrader score a test cell 0
and differs on every run: there we show no bar at all.
"""

import sys
import warnings

__all__ = ["PROGRESS_MIN_STEPS", "progress_bar"]

# Runs with at least this many optimiser steps show a bar by default.
PROGRESS_MIN_STEPS = 2000


def progress_bar(total, *, desc, show=True):
    """A tqdm bar over ``total`` items, or None where no bar should be shown.

    show: False never shows one.  Callers do ``bar.update()`` and ``bar.close()``.
    """
    if not show:
        return None
    with warnings.catch_warnings():
        # tqdm.auto warns when it falls back in a kernel without ipywidgets
        warnings.simplefilter("ignore")
        from tqdm.auto import tqdm
        from tqdm.notebook import tqdm as widget_tqdm
    if "ipykernel.zmqshell" in sys.modules and not issubclass(tqdm, widget_tqdm):
        return None
    return tqdm(total=total, desc=desc, leave=True)
