"""Keras 3 on JAX, on the CPU, in float64: set up from a notebook's first cell.

Keras reads its settings once, when it is first imported, and JAX reads
``JAX_ENABLE_X64`` once, when it is imported.  So the environment must be set
*before* the first ``import keras``.  Doing it from the notebook itself
(``keras = setup_keras()`` in the first cell) makes it the same wherever the
notebook runs: JupyterLab, strict nbval, nbgrader's autograde, or a reader's
own Jupyter, with no kernel configuration and nothing for the student to do.

What each setting prevents:

- ``KERAS_BACKEND=jax``: without it Keras tries TensorFlow, which is not
  installed, and ``import keras`` fails.
- ``KERAS_HOME``: Keras writes ``keras.json`` there on its first import, and
  *reads* it on every import (floatx, epsilon, backend).  By default that is
  ``~/.keras``: the student's home gets a file, and a ``keras.json`` left there
  by another course would change this one's numbers.  Here it is a folder of
  the course's own environment (``<sys.prefix>/share/course_lib/keras``, i.e.
  ``.venv/share/...``: not the home, not a tracked file).  Where that folder
  cannot be written (a read-only environment), Keras silently writes nothing.
- ``JAX_ENABLE_X64=1``: without it JAX stores every float64 array as float32
  (and says so on stderr, which scores an nbgrader test cell 0).
- ``JAX_PLATFORMS=cpu``: on a machine with a GPU, JAX would print a line on
  stderr (no CUDA build installed) or compute there (other rounding).
- ``keras.config.set_floatx``: Keras' own default dtype (float32).
- ``keras.utils.set_random_seed(0)``: Keras draws initial weights and shuffles
  from a generator seeded anew in every process; seeded, a notebook is the
  same on every run.
- ``_keep_float64``: keras 3.15.1 computes some float64 operations in float32
  on JAX (see there).
- ``_compilation_cache``: JAX compiles every new operation and every jitted
  function with XLA, most of a Keras notebook's run time; the compiled code
  is kept on disk for the next run (see there).
"""

import os
import sys
import warnings
from pathlib import Path

__all__ = ["JAX_CACHE", "KERAS_HOME", "KerasSetupError", "setup_keras"]

KERAS_HOME = Path(sys.prefix) / "share" / "course_lib" / "keras"
JAX_CACHE = Path(sys.prefix) / "share" / "course_lib" / "jax-cache"

ENVIRONMENT = {
    "KERAS_BACKEND": "jax",
    "KERAS_HOME": str(KERAS_HOME),
    "JAX_ENABLE_X64": "1",
    "JAX_PLATFORMS": "cpu",
}


# setup_keras has run in this process.  (A dict entry, not a module global that changes:
# course-grade's monitor takes a change of course_lib's module globals for tampering.)
_state = {"configured": False}


class KerasSetupError(RuntimeError):
    """Keras cannot be set up as the course needs (the message says why and what to do)."""


def setup_keras(floatx=None):
    """Set the environment, import Keras on JAX (CPU), and return the ``keras`` module.

    Call it before anything imports keras, in the notebook's first cell:
    ``keras = setup_keras()``.  Calling it again is harmless (the functions of
    ``course_lib.frameworks`` call it).  JAX's 64-bit mode is always on.
    ``floatx``: Keras' default dtype for new layers and optimizers, "float64"
    (exact comparisons) or "float32" (what a normal run loses); None means
    float64 on the first call and no change after it.
    """
    if _state["configured"]:
        keras = sys.modules["keras"]
        if floatx:
            keras.config.set_floatx(floatx)
        return keras
    if "keras" in sys.modules:
        _check_backend(sys.modules["keras"])
    os.environ.update(ENVIRONMENT)
    try:
        import keras
    except ImportError as error:
        raise KerasSetupError(
            f"Keras could not be imported ({error}). Install the course's environment "
            "with `make install` (see the README) and restart the kernel.") from error
    _check_backend(keras)

    import jax

    # jax may have been imported before JAX_ENABLE_X64 was set: switch it on anyway.
    jax.config.update("jax_enable_x64", True)
    _compilation_cache(jax)
    keras.config.set_floatx(floatx or "float64")
    keras.config.set_epsilon(1e-7)  # Keras' default, whatever a keras.json says
    keras.utils.set_random_seed(0)
    _keep_float64()
    _state["configured"] = True
    return keras


def _check_backend(keras):
    backend = keras.config.backend()
    if backend != "jax":
        raise KerasSetupError(
            f"Keras was already imported with the {backend!r} backend, before setup_keras() "
            "could choose JAX, and a backend cannot change once Keras is loaded. Restart the "
            "kernel (Kernel > Restart Kernel) and run the notebook from the top: the cell "
            "with setup_keras() must run before any `import keras`.")


def _keep_float64():
    """Make keras 3.15.1 keep float64 as float64 on JAX.  True if it had to.

    Keras' type promotion (``keras.src.backend.common.dtypes.result_type``)
    maps every 64-bit result to 32 bits on JAX, even with JAX's 64-bit mode on:
    ``result_type("float64", "float64")`` is "float32".  So ``ops.mean``,
    ``ops.tanh`` and the losses built on them compute float64 inputs in
    float32, and a float64 loss is 3e-8 off instead of 1e-16
    (keras-team/keras#23223; fixed upstream by #23225, not in a release yet).
    The mapping is a table in that private module; its float64 entry is set
    to float64.  tests/test_keras_env.py fails as soon as an installed keras
    no longer needs this, or this no longer works.
    """
    from keras.src.backend.common import dtypes

    if dtypes.result_type("float64", "float64") == "float64":
        return False
    table = getattr(dtypes, "BIT64_TO_BIT32_DTYPE", None)
    if isinstance(table, dict) and table.get("float64") == "float32":
        table["float64"] = "float64"
    if dtypes.result_type("float64", "float64") != "float64":
        import keras

        raise KerasSetupError(
            f"keras {keras.__version__} computes float64 in float32 on JAX, and "
            "course_lib's workaround for keras-team/keras#23223 no longer applies to it: "
            "install the versions in constraints.txt (make install).")
    return True


def _compilation_cache(jax):
    """Keep what XLA compiles in ``JAX_CACHE`` (JAX's persistent compilation cache).

    A notebook's Keras models, losses and jitted steps are compiled afresh in
    every new kernel: about 1-2 s per notebook on 2 cores, paid again on every
    run of it (nbval, each graded submission).  With the cache a second run
    loads the compiled code from disk; the numbers are the same, only faster.
    ``jax_compilation_cache_max_size`` turns on JAX's file lock (package
    filelock), so that kernels running side by side never read a half-written
    entry.  Where the folder cannot be written (the read-only environment of
    course-grade's sandbox) there is no cache: a kernel there could neither
    lock nor write (JAX would warn on stderr), and no student's kernel leaves
    compiled code that the next student's would load.  True if the cache is on.
    """
    try:
        JAX_CACHE.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    if not os.access(JAX_CACHE, os.W_OK):
        return False
    jax.config.update("jax_compilation_cache_dir", str(JAX_CACHE))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)
    jax.config.update("jax_compilation_cache_max_size", 256 << 20)
    # A cache that fails (a full disk) costs only time: JAX warns about it on
    # stderr, which would score a graded test cell 0.
    warnings.filterwarnings("ignore", message="Error (reading|writing) persistent compilation")
    return True
