"""The training loop's progress bar in a real Jupyter kernel: strict nbval passes and nothing
reaches stderr (which would score a graded cell 0), with ipywidgets and without."""

import os
import subprocess
import sys

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

from course_lib.engine import Tensor
from course_lib.nn import SGD, MiniBatches, fit, mse
from course_lib.nn.progress import PROGRESS_MIN_STEPS, progress_bar

SETUP = """\
import warnings
from course_lib.data import load_iris, one_hot, standardize
from course_lib.nn import PROGRESS_MIN_STEPS, SGD, Linear, MiniBatches, TensorMLP, \\
    cross_entropy, fit, half_sse
X, y = load_iris()

def run(epochs, batch_size, progress=None):
    model = TensorMLP([4, 8, 3], seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning fails the cell
        return fit(model, cross_entropy, SGD(model.parameters(), lr=0.1),
                   MiniBatches(standardize(X), y, batch_size, seed=0), epochs=epochs,
                   progress=progress)

def diverging():
    layer = Linear(4, 3, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # NumPy's overflow warnings among them
        return fit(layer, half_sse, SGD(layer.parameters(), lr=1.0),
                   MiniBatches(X, one_hot(y), 150), epochs=PROGRESS_MIN_STEPS)"""

RUNS = [
    "print(run(3, 50, progress=True))",  # a bar, asked for
    "print(run(3, 50))",  # 9 steps: too short for a bar
    "print(diverging())",  # PROGRESS_MIN_STEPS epochs: a bar, which stops early
]
BARS = [True, False, True]


def executed(tmp_path, name, first_cell=None):
    cells = ([first_cell] if first_cell else []) + [SETUP] + RUNS
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    NotebookClient(nb, timeout=60, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    nbformat.write(nb, tmp_path / name)
    return nb.cells[-len(RUNS):]


def outputs(cell, kind):
    return [o for o in cell.outputs if o.output_type == kind]


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("progress")
    with_widgets = executed(tmp, "widgets.ipynb")
    without = executed(tmp, "no_widgets.ipynb", "import sys\nsys.modules['ipywidgets'] = None")
    return tmp, with_widgets, without


def test_the_bar_is_a_widget_with_a_fixed_text_and_nothing_goes_to_stderr(notebooks):
    _, cells, _ = notebooks
    for cell, bar in zip(cells, BARS, strict=True):
        assert not [o for o in cell.outputs if o.output_type == "error"
                    or o.get("name") == "stderr"], cell.outputs
        shown = outputs(cell, "display_data")
        assert len(shown) == bar
        if bar:  # what nbval compares: the text of an empty bar, the same on every run
            assert shown[0].data["text/plain"].startswith("training:   0%|")
            assert "application/vnd.jupyter.widget-view+json" in shown[0].data
    printed = [outputs(cell, "stream")[0].text for cell in cells]
    assert printed[0] == printed[1] and printed[0].startswith("History(3 epochs, 9 steps, last")
    assert "diverged at step" in printed[2]


def test_without_ipywidgets_there_is_no_bar_and_still_nothing_on_stderr(notebooks):
    _, with_widgets, without = notebooks
    for cell, twin in zip(without, with_widgets, strict=True):
        assert [o.output_type for o in cell.outputs] == ["stream"]
        assert cell.outputs[0].name == "stdout"
        assert cell.outputs[0].text == outputs(twin, "stream")[0].text  # the same run


def test_strict_nbval_passes_on_both_notebooks(notebooks):
    tmp, _, _ = notebooks
    (tmp / "pytest.ini").write_text("[pytest]\n")
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             "-p", "nbval", "--nbval", "--nbval-current-env",
                             "widgets.ipynb", "no_widgets.ipynb"],
                            cwd=tmp, capture_output=True, text=True,  # only nbval: starts faster
                            env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"})
    assert result.returncode == 0, result.stdout[-3000:]
    assert f"{2 * (1 + len(RUNS)) + 1} passed" in result.stdout


@pytest.mark.parametrize("epochs, bar", [(PROGRESS_MIN_STEPS // 2, True),
                                         (PROGRESS_MIN_STEPS // 2 - 1, False)])
def test_by_default_runs_of_at_least_progress_min_steps_show_a_bar(epochs, bar, capsys):
    W = Tensor(np.zeros((1, 1)))
    fit(lambda X: X @ W, mse, SGD([W], lr=0.1), MiniBatches(np.ones((2, 1)), np.ones((2, 1)), 1),
        epochs=epochs)  # 2 steps per epoch
    assert ("training: 100%" in capsys.readouterr().err) == bar


def test_outside_jupyter_the_bar_is_tqdms_text_bar_on_stderr(capsys):
    bar = progress_bar(3, desc="training")
    bar.update(3)
    bar.close()
    assert "training: 100%" in capsys.readouterr().err
    assert progress_bar(3, desc="training", show=False) is None
