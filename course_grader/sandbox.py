"""The sandbox a student's kernel runs in: bubblewrap around ipykernel.

Only the *kernel* is sandboxed.  The grader that talks to it (nbclient, in
the worker) and the gradebook stay outside, so nothing the student's code
does can reach them.  Inside the sandbox the kernel sees

    read-only   the Python installation and the virtual environment, the
                course_lib and course_grader packages (nothing else of the
                course tree: not solutions/, the gradebook, other students),
                /usr and the few files of /etc that libraries read
    writable    its own scratch folder (the working directory, the kernel's
                sockets) and an empty tmpfs home and /tmp
    nothing     network (its own empty network namespace), other processes
                (its own PID namespace), no capabilities, no new user
                namespaces

and runs under prlimit limits on memory, processes, file size and CPU time.
prlimit's process limit counts per user and does not hold for root (a TA in a
container): where a pids cgroup can be made, its pids.max holds for everyone.
The kernel talks to the grader over ipc (Unix) sockets in its scratch
folder, since there is no network to carry tcp.
"""

import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Limits", "SandboxUnavailable", "check_sandbox", "kernel_argv", "process_group",
           "remove_process_group", "write_kernel_spec"]

KERNEL_NAME = "course-grader-sandbox"
HOME = "/home/student"

# /etc entries libraries read: the dynamic linker's cache, fontconfig (Graphviz),
# time zone, and a passwd so that getpwuid() finds the sandbox's user.
ETC = ["ld.so.cache", "ld.so.conf", "ld.so.conf.d", "fonts", "localtime", "passwd", "group",
       "nsswitch.conf", "mime.types"]


class SandboxUnavailable(RuntimeError):
    """bwrap is missing or cannot create a sandbox here."""


@dataclass(frozen=True)
class Limits:
    """Resource limits of one student's kernel (prlimit), per kernel process."""

    memory: int = 4 << 30      # address space, bytes (numpy, matplotlib need ~1 GB)
    processes: int = 256       # processes and threads of the sandbox's user
    file_size: int = 64 << 20  # largest file it may write, bytes
    cpu_seconds: int = 600     # CPU time of the kernel process
    open_files: int = 1024

    def prlimit_args(self):
        return ["prlimit", f"--as={self.memory}", f"--nproc={self.processes}",
                f"--fsize={self.file_size}", f"--cpu={self.cpu_seconds}",
                f"--nofile={self.open_files}", "--core=0", "--"]


def _python_roots():
    """Folders holding the Python that runs the kernel and its packages."""
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    # a venv's python is a symlink into the base installation
    roots.add(str(Path(os.path.realpath(sys.executable)).parent.parent))
    return sorted({str(Path(r).resolve()) for r in roots})


def package_dirs():
    """The course's two packages, as the kernel imports them (read-only)."""
    import course_lib

    here = Path(__file__).resolve().parent
    return [str(Path(course_lib.__file__).resolve().parent), str(here)]


# Where a pids cgroup can be made: cgroup v1's pids hierarchy, or v2 with pids enabled.
PIDS_ROOTS = ("/sys/fs/cgroup/pids", "/sys/fs/cgroup")


def process_group(name, limit):
    """A new pids cgroup that allows ``limit`` processes and threads: its folder.

    None where no such cgroup can be made here (no permission, no pids controller);
    then only prlimit's per-user limit applies, which root does not obey.
    """
    for top in PIDS_ROOTS:
        try:
            if os.path.isfile(os.path.join(top, "cgroup.controllers")):  # v2
                if "pids" not in Path(top, "cgroup.subtree_control").read_text().split():
                    continue
            elif not (top.endswith("/pids") and os.path.isfile(os.path.join(top, "tasks"))):
                continue
            folder = Path(top, f"course-grade-{name}")
            folder.mkdir()
        except OSError:
            continue
        try:
            (folder / "pids.max").write_text(str(limit))
            return str(folder)
        except OSError:
            remove_process_group(str(folder))
    return None


def remove_process_group(folder, tries=20):
    """Remove a cgroup made by process_group once its processes are gone."""
    import time

    for _ in range(tries):
        try:
            os.rmdir(folder)
            return True
        except FileNotFoundError:
            return True
        except OSError:  # still busy: a killed kernel takes a moment to be reaped
            time.sleep(0.05)
    return False


def process_limit_warning():
    """None when each kernel's processes are limited here, else what the TA should know."""
    group = process_group(f"check-{os.getpid()}", 8)
    if group:
        remove_process_group(group)
        return None
    if os.geteuid() != 0:
        return None  # prlimit's per-user limit holds
    return ("running as root and no pids cgroup can be made here, so the limit on a "
            "kernel's processes does not hold (root ignores prlimit --nproc); the limits on "
            "memory, CPU time and file size do. Run course-grade as an ordinary user to "
            "have it.")


def kernel_argv(scratch, limits=Limits(), python=sys.executable, group=None):
    """The kernel's command line: bwrap, then prlimit, then the guarded ipykernel.

    scratch: the student's scratch folder (absolute), the only writable host path.
    group: a cgroup folder from process_group; the kernel joins it before bwrap starts.
    ``{connection_file}`` is left for jupyter_client to fill in; it lies in scratch.
    """
    scratch = str(Path(scratch).resolve())
    join = ["sh", "-c", 'echo $$ > "$0/cgroup.procs" && exec "$@"', group] if group else []
    argv = join + ["bwrap", "--unshare-all", "--unshare-user", "--disable-userns", "--uid", "1000", "--gid", "1000",
            "--cap-drop", "ALL", "--die-with-parent",
            "--proc", "/proc", "--dev", "/dev",
            # the empty /tmp and home first: bwrap mounts in order, so a course (its
            # venv, a scratch folder) that lives under /tmp is bound on top of them
            "--tmpfs", "/tmp", "--tmpfs", HOME,
            "--ro-bind", "/usr", "/usr"]
    for link in ("bin", "lib", "lib64", "sbin"):
        target = f"/{link}"
        if os.path.islink(target):
            argv += ["--symlink", os.readlink(target), target]
        elif os.path.isdir(target):
            argv += ["--ro-bind", target, target]
    for name in ETC:
        argv += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    argv += ["--ro-bind-try", "/var/cache/fontconfig", "/var/cache/fontconfig"]
    for root in _python_roots() + package_dirs():
        argv += ["--ro-bind", root, root]
    argv += ["--bind", scratch, scratch, "--chdir", scratch,
             "--setenv", "HOME", HOME, "--setenv", "USER", "student",
             "--setenv", "MPLCONFIGDIR", f"{scratch}/.matplotlib",
             "--setenv", "OPENBLAS_NUM_THREADS", "1", "--setenv", "OMP_NUM_THREADS", "1",
             "--setenv", "MKL_NUM_THREADS", "1",
             # the kernel cannot see its parent across the PID namespace and would
             # exit, thinking the parent is gone
             "--unsetenv", "JPY_PARENT_PID"]
    return argv + ["--"] + limits.prlimit_args() + [
        python, "-m", "course_grader.guard", "-f", "{connection_file}"]


def unsandboxed_argv(python=sys.executable):
    """The same guarded kernel without bwrap/prlimit (only when the TA asks)."""
    return [python, "-m", "course_grader.guard", "-f", "{connection_file}"]


def write_kernel_spec(kernels_dir, argv):
    """A kernel spec named KERNEL_NAME in kernels_dir; returns its folder."""
    spec_dir = Path(kernels_dir) / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {"argv": argv, "display_name": "Python 3 (course-grade sandbox)",
            "language": "python", "interrupt_mode": "signal", "metadata": {}}
    (spec_dir / "kernel.json").write_text(json.dumps(spec, indent=1))
    return spec_dir


HOW_TO_GET_ONE = (
    "course-grade runs each student's code in a bubblewrap sandbox, and none is available "
    "here: {why}.\n"
    "Install bubblewrap (Debian/Ubuntu: sudo apt-get install bubblewrap; Fedora: sudo dnf "
    "install bubblewrap; `make install` does it when run as root), and make sure "
    "unprivileged user namespaces are allowed (sysctl kernel.unprivileged_userns_clone=1), "
    "then run the command again.\n"
    "Only if every submission is trusted: add --unsandboxed to grade without a sandbox "
    "(student code then runs with your permissions; every report says so).")


def check_sandbox():
    """Raise SandboxUnavailable (with how to get one) unless bwrap works here."""
    import subprocess

    if shutil.which("bwrap") is None:
        raise SandboxUnavailable(HOW_TO_GET_ONE.format(why="the program bwrap is not installed"))
    probe = ["bwrap", "--unshare-all", "--unshare-user", "--disable-userns", "--cap-drop", "ALL",
             "--ro-bind", "/", "/", "--", "true"]
    result = subprocess.run(probe, capture_output=True, text=True)
    if result.returncode != 0:
        why = f"bwrap could not create one ({result.stderr.strip() or result.returncode})"
        raise SandboxUnavailable(HOW_TO_GET_ONE.format(why=why))
    # the real sandbox, with the kernel's Python and the course's packages in it
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        argv = kernel_argv(scratch)
        argv = argv[:argv.index(sys.executable, argv.index("--"))] + [
            sys.executable, "-c", "import course_lib"]
        result = subprocess.run(argv, capture_output=True, text=True)
    if result.returncode != 0:
        why = f"the kernel's Python does not start in it ({result.stderr.strip()[-300:]})"
        raise SandboxUnavailable(HOW_TO_GET_ONE.format(why=why))
