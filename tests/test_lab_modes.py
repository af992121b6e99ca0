"""`make lab` (student mode) and `make ta-lab` (TA mode), started for real.

Each mode runs its own make target in a copy of the course (for a student
also in a class release), with a real
Jupyter server on 127.0.0.1 behind a token, and is checked through the
server's own API: which nbgrader lab plugins the page config disables, which
nbgrader server extensions answer, that Validate works for a student, that
Formgrader answers only in TA mode, that the course's notebooks are trusted
(so their stored graphs show), and that a student's lab creates no gradebook.
The servers start at once and are shared by the tests of this module.
"""

import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from course import ROOT
from course_copy import build_release, copy_course, make_command

COPIED = ["Makefile", "pyproject.toml", "constraints.txt", "nbgrader_config.py",
          "jupyter-config", "notebooks", "solutions"]
NBGRADER_PLUGINS = {"menu", "formgrader", "create-assignment", "assignment-list",
                    "course-list", "validate-assignment"}
DISABLED = {
    "student": {"menu", "formgrader", "create-assignment", "assignment-list", "course-list"},
    "ta": {"assignment-list", "course-list"},
}
DISABLED["class"] = DISABLED["student"]
STUDENTS = ["student", "class"]


class Lab:
    """A `make <target>` JupyterLab in a prepared course folder, and requests to it."""

    def __init__(self, target, root, home):
        self.root, self.token = Path(root), os.urandom(12).hex()
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER")}
        env.update(JUPYTER_DATA_DIR=str(home / "data"), JUPYTER_RUNTIME_DIR=str(home / "run"),
                   IPYTHONDIR=str(home / "ipython"))
        args = (f"--no-browser --ServerApp.port={self.port} --ServerApp.port_retries=0 "
                f"--IdentityProvider.token={self.token}")
        self.log = open(home / f"{target}.log", "w")
        self.process = subprocess.Popen(make_command(self.root, target, f"LAB_ARGS={args}",
                                                     env=env),
                                        cwd=self.root, env=env, stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True)

    def wait_until_up(self, seconds=90):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the lab stopped: {Path(self.log.name).read_text()[-2000:]}")
            try:
                if self.get("/api/status")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        raise TimeoutError("the lab did not start")

    def request(self, path, data=None):
        url = f"http://127.0.0.1:{self.port}{path}"
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(url, data=body,
                                     headers={"Authorization": f"token {self.token}"})
        try:
            with urllib.request.urlopen(req, timeout=120) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode()

    def get(self, path):
        return self.request(path)

    def page_config(self):
        status, page = self.get("/lab")
        assert status == 200
        match = re.search(r'<script id="jupyter-config-data" type="application/json">'
                          r"(.*?)</script>", page, re.S)
        return json.loads(match[1])

    def stop(self):
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.log.close()


@pytest.fixture(scope="module")
def labs(tmp_path_factory):
    """The three ways the course is opened, all started at once: a student's lab in the
    repository (self-study), a student's lab in a class release, and a TA's lab."""
    folders = {"student": copy_course(tmp_path_factory.mktemp("course"), COPIED),
               "ta": copy_course(tmp_path_factory.mktemp("ta-course"), COPIED)}
    folders["class"] = build_release(tmp_path_factory.mktemp("dist"))
    (folders["class"] / ".venv").symlink_to(ROOT / ".venv")
    started = {}
    try:
        for mode, target in (("student", "lab"), ("class", "lab"), ("ta", "ta-lab")):
            started[mode] = Lab(target, folders[mode], tmp_path_factory.mktemp(f"{mode}-home"))
        yield {mode: lab.wait_until_up() for mode, lab in started.items()}
    finally:
        for lab in started.values():
            lab.stop()


def nbgrader_plugins(config, key):
    return {p.split(":", 1)[1] for p in config.get(key, []) if p.startswith("@jupyter/nbgrader:")}


@pytest.mark.parametrize("mode", ["student", "class", "ta"])
def test_the_page_config_disables_exactly_the_nbgrader_plugins_of_the_mode(labs, mode):
    config = labs[mode].page_config()
    assert "@jupyter/nbgrader" in {e["name"] for e in config["federated_extensions"]}
    assert nbgrader_plugins(config, "disabledExtensions") == DISABLED[mode]
    assert "validate-assignment" in NBGRADER_PLUGINS - DISABLED[mode]


@pytest.mark.parametrize("mode", STUDENTS)
def test_student_mode_has_no_formgrader_and_no_exchange_lists(labs, mode):
    lab = labs[mode]
    for path in ("/formgrader", "/formgrader/api/status", "/formgrader/api/assignments",
                 "/assignments", "/courses", "/formgraders"):
        assert lab.get(path)[0] == 404, path


@pytest.mark.parametrize("mode", STUDENTS)
def test_validate_works_for_a_student_and_says_what_is_not_written(labs, mode):
    lab = labs[mode]
    path = "my_work/02_computational_graphs/02_computational_graphs.ipynb"
    assert (lab.root / path).is_file()  # make lab made the student's copy
    status, body = lab.request("/assignments/validate", {"path": path})
    assert status == 200
    result = json.loads(body)
    assert result["success"], result
    errors = [" ".join(f["error"].split()) for f in result["value"]["failed"]]
    assert len(errors) >= 6
    # every exercise is unwritten; the written answer is unanswered
    assert all("not written yet" in e or e == "You did not provide a response." for e in errors)
    assert sum("not written yet" in e for e in errors) >= 6
    assert not any("BEGIN HIDDEN" in f["source"] for f in result["value"]["failed"])


def test_ta_mode_has_formgrader_with_the_course_and_no_exchange_lists(labs):
    lab = labs["ta"]
    status, page = lab.get("/formgrader")
    assert status == 200 and "nbgrader formgrade" in page
    status, body = lab.get("/formgrader/api/assignments")
    assert status == 200
    names = {a["name"] for a in json.loads(body)}
    assert names == {p.name for p in (ROOT / "solutions").iterdir() if p.is_dir()}
    assert lab.get("/assignments")[0] == 404 and lab.get("/courses")[0] == 404
    # Formgrader keeps its gradebook in the TA's course folder, nowhere else
    assert [p.relative_to(lab.root) for p in lab.root.rglob("gradebook.db")] == \
        [Path("gradebook.db")]


@pytest.mark.parametrize("mode", ["student", "ta"])
def test_the_course_notebooks_are_trusted_and_others_are_not(labs, mode):
    lab = labs[mode]
    source = "solutions/02_computational_graphs/02_computational_graphs.ipynb"
    # trust belongs to content, not to a path: a changed copy is not trusted
    other = json.loads((lab.root / source).read_text())
    other["cells"][1]["source"] = ["# changed\n"] + other["cells"][1]["source"]
    (lab.root / "someone_elses.ipynb").write_text(json.dumps(other))
    for path, trusted in ((source, True), ("someone_elses.ipynb", False)):
        status, body = lab.get(f"/api/contents/{path}?content=1")
        assert status == 200
        cells = [c for c in json.loads(body)["content"]["cells"]
                 if c["cell_type"] == "code" and c["outputs"]]
        assert cells and all(c["metadata"].get("trusted") is trusted for c in cells), path


@pytest.mark.parametrize("mode", STUDENTS)
def test_nothing_in_a_students_lab_creates_a_gradebook(labs, mode):
    # runs after the student's Validate: nbgrader wrote no database anywhere
    lab = labs[mode]
    assert lab.get("/lab")[0] == 200
    assert not list(lab.root.rglob("*.db")), list(lab.root.rglob("*.db"))
