"""``setup_keras()`` where the notebooks run: JupyterLab, strict nbval, nbgrader.

One small graded notebook whose first cell calls ``setup_keras()`` runs in an
environment without any KERAS_* or JAX_* variable and with an empty home: in
a kernel that a real JupyterLab server starts (as `make lab` does), under
strict nbval (which must reproduce what Lab showed) and under nbgrader's
autograde with the course's nbgrader_config.py.  The same outputs everywhere,
nothing on stderr, nothing written to the home.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid

import nbformat
import pytest
from course import ROOT, TempCourse
from test_keras_env import clean_environ

from course_lib.frameworks import KERAS_HOME


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
    """The probe notebook opened in a real JupyterLab server (started as `make lab`
    starts it, in an environment without Keras' variables) and run cell by cell in
    the kernel it starts, as the browser does; saved with its outputs.
    Returns (folder, notebook, home)."""
    root, home = tmp_path_factory.mktemp("lab"), tmp_path_factory.mktemp("home")
    folder = root / PROBE
    folder.mkdir()
    nb = probe_notebook()
    nbformat.write(nb, folder / f"{PROBE}.ipynb")
    with JupyterLab(root, clean_environ(home)) as lab:
        kernel = lab.open(f"{PROBE}/{PROBE}.ipynb")
        try:
            for count, cell in enumerate(nb.cells, start=1):
                cell.outputs, cell.execution_count = kernel.execute(cell.source), count
        finally:
            kernel.close()
    nbformat.write(nb, folder / f"{PROBE}.ipynb")
    return folder, nb, home


def test_probe_in_jupyterlab_runs_quietly_with_the_expected_numbers(probe):
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
    """nbval's fresh run shows exactly what JupyterLab showed."""
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
    folder, lab_run, _ = probe
    for key, value in clean_environ(tmp_path / "home").items():
        monkeypatch.setenv(key, value)
    for key in [k for k in os.environ if k.startswith(("KERAS_", "JAX_"))]:
        monkeypatch.delenv(key)
    course = TempCourse(tmp_path / "course", PROBE, source=folder)
    course.submit("student", course.solved())
    result = course.autograde("student")
    assert result["success"], result["error"]
    assert course.scores("student") == {"test_ibm_mse": (1.0, 1.0)}
    graded = nbformat.read(course.path("autograded", "student"), as_version=4)
    assert stderr_outputs(graded) == []
    assert course.outputs("student", "test_ibm_mse") == text_outputs(lab_run.cells[2])
    assert not (tmp_path / "home" / ".keras").exists()


class JupyterLab:
    """A `jupyter lab` server in a subprocess, driven through its REST API and kernel
    websockets (what the browser does)."""

    def __init__(self, root, env):
        self.port, self.token = free_port(), uuid.uuid4().hex
        self.url = f"http://127.0.0.1:{self.port}"
        self.args = [sys.executable, "-m", "jupyterlab", "--no-browser",
                     f"--ServerApp.root_dir={root}", "--ip=127.0.0.1", f"--port={self.port}",
                     "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
                     "--allow-root"]
        self.env = env

    def __enter__(self):
        self.server = subprocess.Popen(self.args, env=self.env, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 90
        while True:
            try:
                self.request("/api/status")
                return self
            except OSError:
                if time.monotonic() > deadline or self.server.poll() is not None:
                    self.__exit__()
                    raise
                time.sleep(0.3)

    def __exit__(self, *exc):
        self.server.terminate()
        self.server.wait(timeout=30)

    def request(self, path, body=None):
        request = urllib.request.Request(
            self.url + path, headers={"Authorization": f"token {self.token}"},
            data=None if body is None else json.dumps(body).encode(),
            method="GET" if body is None else "POST")
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.load(response)

    def open(self, path):
        """Open a notebook as Lab does (a session starts its kernel); returns the kernel."""
        import websocket

        session = self.request("/api/sessions", {
            "path": path, "name": path.rsplit("/", 1)[-1], "type": "notebook",
            "kernel": {"name": "python3"}})
        return Kernel(websocket.create_connection(
            f"ws://127.0.0.1:{self.port}/api/kernels/{session['kernel']['id']}/channels"
            f"?token={self.token}", timeout=120))


class Kernel:
    """A kernel's channels over one websocket."""

    def __init__(self, ws):
        self.ws, self.session = ws, uuid.uuid4().hex

    def close(self):
        self.ws.close()

    def execute(self, code):
        """Run ``code``; return its outputs as a notebook stores them."""
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "test",
                       "session": self.session, "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True,
                        "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}}))
        outputs = []
        while True:
            msg = json.loads(self.ws.recv())
            if msg["channel"] != "iopub" or msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind = msg["header"]["msg_type"]
            if kind == "status" and msg["content"]["execution_state"] == "idle":
                return outputs
            if kind in ("stream", "display_data", "execute_result", "error"):
                out = nbformat.v4.output_from_msg(msg)
                last = outputs[-1] if outputs else None
                if (kind == "stream" and last and last.output_type == "stream"
                        and last.name == out.name):
                    last.text += out.text  # consecutive streams merge, as Lab shows them
                else:
                    outputs.append(out)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
