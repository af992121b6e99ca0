"""Keras' traps, and ``setup_keras()`` where the notebooks run.

Plain Keras is checked in fresh processes (the traps setup_keras exists for,
and the float64 bug it works around).  Then one small graded notebook
whose first cell calls ``setup_keras()`` runs, in an environment without any
KERAS_* or JAX_* variable and with an empty home, under strict nbval, under
nbgrader's autograde with the course's nbgrader_config.py, and in a kernel
that a real JupyterLab server starts: the same outputs everywhere, nothing on
stderr, nothing written to the home.
"""

import json
import os
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
import uuid

import nbformat
import pytest
from course import ROOT, TempCourse, nbgrader_meta
from nbclient import NotebookClient

from course_lib.frameworks import KERAS_HOME


def clean_environ(home):
    """This process' environment without Keras' and JAX's variables, with ``home`` as HOME.

    matplotlib (which keras imports) keeps its font cache where it was built:
    building it again in an empty home may print a line on stderr.
    """
    import matplotlib

    env = {k: v for k, v in os.environ.items() if not k.startswith(("KERAS_", "JAX_"))}
    home.mkdir(parents=True, exist_ok=True)
    env.update(HOME=str(home), MPLCONFIGDIR=matplotlib.get_cachedir())
    return env


def run_python(code, env, cwd):
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=120)


# -- plain Keras: the traps ---------------------------------------------------------

def test_plain_keras_needs_a_backend_and_writes_to_the_home(tmp_path):
    home = tmp_path / "home"
    out = run_python("""
        import os
        try:
            import keras
        except ModuleNotFoundError as error:
            print("without KERAS_BACKEND:", error.name)
        os.environ["KERAS_BACKEND"] = "numpy"  # another backend, one that is installed
        import keras
        from course_lib.frameworks import KerasSetupError, setup_keras
        try:
            setup_keras()
        except KerasSetupError as error:
            print(error)
        """, clean_environ(home), tmp_path)
    assert out.returncode == 0, out.stderr
    first, message = out.stdout.splitlines()
    assert first == "without KERAS_BACKEND: tensorflow"
    assert "already imported with the 'numpy' backend" in message
    assert "Restart the kernel" in message and "before any `import keras`" in message
    config = json.loads((home / ".keras" / "keras.json").read_text())
    assert config["backend"] == "tensorflow"  # written to the home by the first import


def test_keras_3_15_1_still_computes_float64_in_float32_on_jax(tmp_path):
    """The canary of the float64 workaround (course_lib/frameworks/keras_env.py,
    _keep_float64): when this fails, the installed keras keeps float64
    (keras-team/keras#23223 fixed, #23225 released): delete the workaround,
    its test in test_keras_parity.py and this test."""
    env = clean_environ(tmp_path / "home")
    env.update(KERAS_BACKEND="jax", JAX_ENABLE_X64="1", JAX_PLATFORMS="cpu",
               KERAS_HOME=str(tmp_path / "keras_home"))
    out = run_python("""
        import sys
        import numpy as np
        import keras
        from keras.src.backend.common import dtypes
        keras.config.set_floatx("float64")
        print(keras.__version__, dtypes.result_type("float64", "float64"))
        rng = np.random.default_rng(0)
        x, t = rng.normal(size=(7, 3)), rng.normal(size=(7, 3))
        mse = float(keras.losses.MeanSquaredError()(t, x))
        print(abs(mse - np.mean((t - x) ** 2)) > 1e-9)
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(3)])
        model.compile(optimizer="sgd", loss="mse")
        print("verbose=0:", flush=True)
        model.fit(x, t, epochs=1, verbose=0)
        print("verbose=1:", flush=True)
        model.fit(x, t, epochs=1, verbose=1)
        """, env, tmp_path)
    assert out.returncode == 0, out.stderr
    version_line, error_line, quiet, *loud = out.stdout.splitlines()
    version, promoted = version_line.split()
    assert promoted == "float32", (
        f"keras {version} keeps float64: remove the float64 workaround (see the docstring)")
    assert error_line == "True"  # the mse is computed in float32
    assert quiet == "verbose=0:" and loud[0] == "verbose=1:"
    assert "ms/step" in "".join(loud)  # a timing: strict nbval would differ on every run
    assert out.stderr == ""  # JAX on the CPU with 64 bits says nothing on import or first use
    assert (tmp_path / "keras_home" / "keras.json").is_file()
    assert not (tmp_path / "home" / ".keras").exists()


# -- one graded notebook, wherever notebooks run -------------------------------------

PROBE = "keras_probe"
PROBE_CELLS = [
    # (source, nbgrader metadata or None)
    ("from course_lib.frameworks import ibm_example, ibm_network, jaxpr, setup_keras, "
     "summary_text\nkeras = setup_keras()",
     {"grade": False, "solution": False, "locked": True, "grade_id": "setup"}),
    ('def ibm_mse():\n    """Keras\' mean squared error on the IBM example."""\n'
     "    ### BEGIN SOLUTION\n    model, x, t = ibm_example()\n"
     "    return float(keras.losses.MeanSquaredError()(t, model(x)))\n"
     "    ### END SOLUTION",
     {"grade": False, "solution": True, "locked": False, "grade_id": "ibm_mse"}),
    ("import jax\n"
     'assert keras.config.backend() == "jax" and keras.config.floatx() == "float64"\n'
     "assert jax.config.jax_enable_x64\n"
     "assert abs(ibm_mse() - 84.25) < 1e-12\n"
     "model, x, t = ibm_example()\n"
     "model.compile(optimizer=keras.optimizers.SGD(), loss=\"mse\")\n"
     "history = model.fit(x, t, epochs=2, shuffle=False, verbose=0)\n"
     'print(history.history["loss"], model.get_weights()[1])',
     {"grade": True, "solution": False, "locked": True, "grade_id": "test_ibm_mse",
      "points": 1}),
    ("ibm_network().summary()", None),
    ("print(summary_text(ibm_network()))", None),
    ("jaxpr(ibm_network(), x)", None),
]
PROBE_LOSSES = "[84.25, 48.65426304111111]"


def probe_notebook():
    nb = nbformat.v4.new_notebook()
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3",
                              "language": "python"}
    for source, meta in PROBE_CELLS:
        cell = nbformat.v4.new_code_cell(source)
        if meta:
            cell.metadata.nbgrader = {"schema_version": 3, **meta}
        nb.cells.append(cell)
    return nb


def stderr_outputs(nb):
    return [out.text for cell in nb.cells if cell.cell_type == "code"
            for out in cell.get("outputs", [])
            if out.output_type == "stream" and out.name == "stderr"]


def text_outputs(cell):
    """What a cell shows, as text: streams, results and displays (their text/plain)."""
    texts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            texts.append(out.text)
        elif out.output_type in ("execute_result", "display_data"):
            texts.append(out.data.get("text/plain", ""))
        elif out.output_type == "error":
            texts.append(f"{out.ename}: {out.evalue}")
    return "".join(texts)


@pytest.fixture(scope="module")
def probe(tmp_path_factory):
    """The probe's source notebook, executed with its outputs (as `make outputs` does),
    in an environment without Keras' variables.  Returns (folder, executed notebook, home)."""
    folder = tmp_path_factory.mktemp("source") / PROBE
    folder.mkdir()
    home = tmp_path_factory.mktemp("home")
    nb = probe_notebook()
    with pytest.MonkeyPatch.context() as mp:
        for key, value in clean_environ(home).items():
            mp.setenv(key, value)
        for key in [k for k in os.environ if k.startswith(("KERAS_", "JAX_"))]:
            mp.delenv(key)
        NotebookClient(nb, timeout=60, kernel_name="python3",
                       resources={"metadata": {"path": str(folder)}}).execute()
    nbformat.write(nb, folder / f"{PROBE}.ipynb")
    return folder, nb, home


def test_probe_runs_quietly_with_the_expected_numbers(probe):
    _, nb, home = probe
    assert stderr_outputs(nb) == []
    outputs = [text_outputs(cell) for cell in nb.cells]
    assert outputs[0] == "" and outputs[1] == ""
    assert outputs[2].startswith(PROBE_LOSSES)
    assert "Total params: \x1b[0m\x1b[38;5;34m23" in outputs[3]  # rich's colours
    assert "Total params: 23 (184.00 B)" in outputs[4]
    assert "dot_general" in outputs[5] and "f64[4,3]" in outputs[5]
    assert (KERAS_HOME / "keras.json").is_file()
    assert not (home / ".keras").exists()


def test_probe_passes_strict_nbval(probe, tmp_path):
    folder, _, _ = probe
    (tmp_path / "pytest.ini").write_text("[pytest]\n")  # not the course's own options
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval",
         "--nbval-current-env", "--nbval-cell-timeout=60",
         f"--nbval-sanitize-with={ROOT / 'tests' / 'nbval_sanitize.cfg'}",
         str(folder / f"{PROBE}.ipynb")],
        cwd=tmp_path, env=clean_environ(tmp_path / "home"), capture_output=True, text=True,
        timeout=300)
    assert out.returncode == 0, out.stdout[-3000:]
    assert f"{len(PROBE_CELLS)} passed" in out.stdout
    assert not (tmp_path / "home" / ".keras").exists()


def test_probe_autogrades_full_marks_with_nothing_on_stderr(probe, tmp_path, monkeypatch):
    folder, _, _ = probe
    for key, value in clean_environ(tmp_path / "home").items():
        monkeypatch.setenv(key, value)
    for key in [k for k in os.environ if k.startswith(("KERAS_", "JAX_"))]:
        monkeypatch.delenv(key)
    course = TempCourse(tmp_path / "course", PROBE, source=folder)
    course.submit("solved", course.solved())
    # a student who imports keras before the first cell, without 64-bit JAX:
    # setup_keras still gives float64
    early = course.solved()
    early.cells.insert(0, nbformat.v4.new_code_cell(
        'import os\nprint(os.environ.get("KERAS_BACKEND"))\n'
        'os.environ["KERAS_BACKEND"] = "jax"\nimport keras'))
    course.submit("imports_keras_first", early)
    for student in ("solved", "imports_keras_first"):
        result = course.autograde(student)
        assert result["success"], result["error"]
        assert course.scores(student) == {"test_ibm_mse": (1.0, 1.0)}, student
        graded = nbformat.read(course.path("autograded", student), as_version=4)
        assert stderr_outputs(graded) == []
        test_cell = next(c for c in graded.cells
                         if nbgrader_meta(c).get("grade_id") == "test_ibm_mse")
        assert text_outputs(test_cell).startswith(PROBE_LOSSES)
        # setup_keras writes nothing to the home; a plain `import keras` does
        assert (tmp_path / "home" / ".keras").exists() == (student == "imports_keras_first")
    assert text_outputs(graded.cells[0]) == "None\n"  # this test's kernel had no KERAS_BACKEND


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_probe_in_a_kernel_that_jupyterlab_starts(probe, tmp_path):
    """A real `jupyter lab` server (as `make lab` starts it) opens the notebook and
    runs its cells through the kernel's websocket, as the browser would."""
    import websocket

    folder, executed, _ = probe
    root = tmp_path / "root"
    (root / PROBE).mkdir(parents=True)
    nbformat.write(probe_notebook(), root / PROBE / f"{PROBE}.ipynb")
    home, port, token = tmp_path / "home", free_port(), uuid.uuid4().hex
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--ServerApp.root_dir={root}",
         "--ip=127.0.0.1", f"--port={port}", f"--IdentityProvider.token={token}",
         "--ServerApp.port_retries=0", "--allow-root"],
        env=clean_environ(home), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        api = ServerApi(url, token)
        session = api.post("/api/sessions", {
            "path": f"{PROBE}/{PROBE}.ipynb", "name": f"{PROBE}.ipynb", "type": "notebook",
            "kernel": {"name": "python3"}})
        ws = websocket.create_connection(
            f"ws://127.0.0.1:{port}/api/kernels/{session['kernel']['id']}/channels"
            f"?token={token}", timeout=120)
        try:
            shown = [execute(ws, source) for source, _ in PROBE_CELLS]
        finally:
            ws.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert [s["stderr"] for s in shown] == [""] * len(PROBE_CELLS)
    # the same text as the executed notebook, cell by cell (streams and text/plain)
    assert [s["text"] for s in shown] == [text_outputs(c) for c in executed.cells]
    assert not (home / ".keras").exists()


class ServerApi:
    """The Jupyter server's REST API, waited for until it answers."""

    def __init__(self, url, token, timeout=90):
        self.url, self.headers = url, {"Authorization": f"token {token}"}
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.get("/api/status")
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)

    def get(self, path):
        with urllib.request.urlopen(urllib.request.Request(self.url + path,
                                                           headers=self.headers)) as r:
            return json.load(r)

    def post(self, path, body):
        request = urllib.request.Request(self.url + path, data=json.dumps(body).encode(),
                                         headers=self.headers, method="POST")
        with urllib.request.urlopen(request) as r:
            return json.load(r)


def execute(ws, code):
    """Run ``code`` in the kernel behind the websocket ``ws``; collect what it shows."""
    msg_id = uuid.uuid4().hex
    ws.send(json.dumps({
        "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "test",
                   "session": uuid.uuid4().hex, "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": True,
                    "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}}))
    shown = {"text": "", "stderr": ""}
    while True:
        msg = json.loads(ws.recv())
        if msg.get("parent_header", {}).get("msg_id") != msg_id or msg["channel"] != "iopub":
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            shown["stderr" if content["name"] == "stderr" else "text"] += content["text"]
        elif kind in ("execute_result", "display_data"):
            shown["text"] += content["data"].get("text/plain", "")
        elif kind == "error":
            shown["text"] += f"{content['ename']}: {content['evalue']}"
        elif kind == "status" and content["execution_state"] == "idle":
            return shown
