"""Set-up files agree with each other and with the README."""

import re
import subprocess
import sys
import tomllib

import yaml
from course import ROOT


def normalise(name):
    return re.split(r"[<>=!~ \[;]", name.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_and_pyproject_name_the_same_packages():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip_side = {normalise(d) for d in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        pip_side |= {normalise(d) for d in extra}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda_side = set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):  # the pip: section installs the course itself
            conda_side |= {normalise(d) for d in dep["pip"] if not d.startswith("-e")}
        else:
            conda_side.add(normalise(dep))
    assert "conda-forge" in env["channels"]
    # conda names Graphviz's program `graphviz` and the Python binding `python-graphviz`
    assert {"python", "graphviz", "python-graphviz"} <= conda_side
    assert pip_side == conda_side - {"python", "python-graphviz", "pip"}


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "make lab" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_constraints_pin_every_dependency():
    pinned = {normalise(line) for line in (ROOT / "constraints.txt").read_text().splitlines()
              if "==" in line}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {normalise(d) for d in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        wanted |= {normalise(d) for d in extra}
    assert wanted <= pinned, wanted - pinned


def test_the_makefile_installs_every_extra_and_make_lab_only_what_it_needs():
    makefile = (ROOT / "Makefile").read_text()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for extra in project["optional-dependencies"]:
        assert f"-e '.[{extra}]'" in makefile, extra
    # make install (and so make lab) installs the course and its test tools only;
    # the book's packages and the browser come with make book / make test.
    install = re.search(r"^\$\(STAMP\):.*?(?=^\S)", makefile, re.MULTILINE | re.DOTALL).group(0)
    assert "-e '.[test]'" in install and ".[book]" not in install and ".[browser]" not in install


def test_import_course_lib_loads_neither_matplotlib_nor_graphviz():
    code = ("import sys, course_lib, course_lib.check, course_lib.nn; "
            "print(sorted(m for m in ('matplotlib', 'graphviz') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
