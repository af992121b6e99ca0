"""Kernel launcher: ``python -m course_grader.guard -f CONNECTION_FILE``.

Runs inside the sandbox, before any student code:

1. reads this kernel's secret key from ``guard.key`` beside the connection
   file, and deletes the file (student code runs later and never sees it);
2. installs the audit hook (course_grader.guard.monitor) writing to
   ``guard.log`` beside it;
3. starts ipykernel, imports every course_lib module and numpy, wraps the
   checking helpers of course_lib.check with checkpoints, and arms the
   monitor: the references it compares with are taken now;
4. runs the kernel.
"""

import os
import sys
from pathlib import Path


def _connection_dir(argv):
    return Path(argv[argv.index("-f") + 1]).resolve().parent


def _trusted_roots():
    import course_lib

    import course_grader

    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
             str(Path(course_lib.__file__).resolve().parent),
             str(Path(course_grader.__file__).resolve().parent)}
    roots |= {str(Path(p).resolve()) for p in sys.path if "site-packages" in p}
    real = str(Path(os.path.realpath(sys.executable)).parent.parent)
    return sorted(roots | {real})


def _import_course(course_lib):
    import importlib
    import pkgutil

    for info in pkgutil.walk_packages(course_lib.__path__, "course_lib."):
        importlib.import_module(info.name)


def _with_checkpoints(fn, depth, _audit=sys.audit):
    """fn, with a state check by the monitor on the way in and on the way out
    of the outermost checking call (a test's check_function, not the
    check_array calls it makes)."""
    import functools

    @functools.wraps(fn)
    def checked(*args, **kwargs):
        if depth[0] == 0:
            _audit("course_grader.checkpoint")
        depth[0] += 1
        try:
            return fn(*args, **kwargs)
        finally:
            depth[0] -= 1
            if depth[0] == 0:
                _audit("course_grader.checkpoint")

    return checked


# Helpers that run no student code and compare nothing themselves: a test may call
# them thousands of times in a loop (check_that on every edge of a 3000-node graph),
# and a patch of them is seen at the cell's start like any other.
UNWRAPPED = {"check_that", "rel_error"}


def _wrap_helpers(check):
    """The public functions of course_lib.check that run student code or compare
    values, where the tests find them.

    Blockable functions (numerical_gradient ...) stay as they are: blocking
    recognises them by identity.
    """
    import types

    depth = [0]  # shared by all helpers: how deep in checking calls we are
    for name in check.__all__:
        fn = getattr(check, name)
        if (type(fn) is not types.FunctionType or name in UNWRAPPED
                or getattr(fn, "course_lib_blockable", False)):
            continue
        wrapped = _with_checkpoints(fn, depth)
        home = sys.modules[fn.__module__]
        for module in {check, home}:
            if getattr(module, name, None) is fn:
                setattr(module, name, wrapped)


def main(argv):
    run = _connection_dir(argv)
    key_file = run / "guard.key"
    key = key_file.read_bytes()
    key_file.unlink()
    log_fd = os.open(run / "guard.log", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    from course_grader.guard import monitor

    import course_lib

    check_dir = str(Path(course_lib.__file__).resolve().parent / "check") + os.sep
    monitor.install(key, log_fd, _trusted_roots(), check_dir)

    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    app.initialize(argv)
    import numpy  # noqa: F401  (watched from the start)

    _import_course(course_lib)
    import course_lib.check

    _wrap_helpers(course_lib.check)
    sys.audit("course_grader.arm")
    del key, key_file
    app.start()


if __name__ == "__main__":
    main(sys.argv[1:])
