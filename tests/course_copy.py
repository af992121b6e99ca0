"""A copy of (part of) the course, or its class release, in a temporary folder, on
the course's own .venv, for tests that run its make targets as a student or TA does."""

import shutil
import subprocess
import sys

from course import ROOT


def copy_course(dest, names):
    """Copy ``names`` (files and folders of the course) into ``dest``, with mtimes, and
    link the course's .venv: make then sees it installed and installs nothing."""
    for name in names:
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy2)(ROOT / name, dest / name)
    (dest / ".venv").symlink_to(ROOT / ".venv")
    return dest


def make_command(dest, *args, env=None):
    """``make -s *args`` for ``dest``, after checking that it would not reinstall the
    linked .venv (that would point the course's own environment at ``dest``)."""
    plan = subprocess.run(["make", "-n", *args], cwd=dest, env=env, capture_output=True,
                          text=True, check=True).stdout
    assert "pip install" not in plan, "run `make install` in the course first"
    return ["make", "-s", *args]


def build_release(dist):
    """The class release (tools/class_release.py), built into ``dist``; its folder."""
    subprocess.run([sys.executable, str(ROOT / "tools" / "class_release.py"), str(dist)],
                   check=True, capture_output=True)
    return dist / "backprop-course-class"
