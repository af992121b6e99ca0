"""Keras' traps, each in a fresh process: what ``setup_keras()`` exists for.

Plain Keras without a backend, without JAX's 64-bit mode, with its float64
bug (the canary of the workaround), and ``setup_keras()`` after an
``import keras``.  tests/test_keras_notebook.py runs it where notebooks run.
"""

import json
import os
import subprocess
import sys
import textwrap


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


def test_plain_keras_on_jax_truncates_float64_and_computes_it_in_float32(tmp_path):
    """The canary of the float64 workaround (course_lib/frameworks/keras_env.py,
    _keep_float64): when it fails on "promotes float64 to", the installed keras
    keeps float64 (keras-team/keras#23223 fixed, #23225 released): delete the
    workaround, test_parity_needs_the_float64_workaround and that line here."""
    env = clean_environ(tmp_path / "home")
    env.update(KERAS_BACKEND="jax", JAX_PLATFORMS="cpu", KERAS_HOME=str(tmp_path / "keras_home"))
    out = run_python("""
        import sys
        import jax
        import keras
        import numpy as np
        from keras.src.backend.common import dtypes

        rng = np.random.default_rng(0)
        x, t = rng.normal(size=(7, 3)), rng.normal(size=(7, 3))
        def mse_error():
            return abs(float(keras.losses.MeanSquaredError()(t, x)) - np.mean((t - x) ** 2))

        keras.config.set_floatx("float64")
        layer = keras.layers.Dense(2)
        layer.build((None, 3))
        print("without JAX_ENABLE_X64:", layer.kernel.value.dtype)
        jax.config.update("jax_enable_x64", True)
        print("keras", keras.__version__, "promotes float64 to",
              dtypes.result_type("float64", "float64"))
        print("its mse is off by more than 1e-9:", mse_error() > 1e-9, flush=True)
        print("--- setup_keras", file=sys.stderr, flush=True)

        from course_lib.frameworks import setup_keras
        keras = setup_keras()  # after `import keras`, with the JAX backend: it still works
        print("after setup_keras, by at most 1e-15:", mse_error() <= 1e-15)
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(3)])
        model.compile(optimizer="sgd", loss="mse")
        print("verbose=0:", flush=True)
        model.fit(x, t, epochs=1, verbose=0)
        print("verbose=1:", flush=True)
        model.fit(x, t, epochs=1, verbose=1)
        """, env, tmp_path)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[:4] == [
        "without JAX_ENABLE_X64: float32",
        "keras 3.15.1 promotes float64 to float32",
        "its mse is off by more than 1e-9: True",
        "after setup_keras, by at most 1e-15: True"], "\n".join(lines[:4])
    assert lines[4] == "verbose=0:" and lines[5] == "verbose=1:"
    assert "ms/step" in "".join(lines[6:])  # a timing: strict nbval would differ on every run
    before, after = out.stderr.split("--- setup_keras\n")
    assert "Explicitly requested dtype float64" in before  # a graded cell would score 0
    assert after == ""
    assert (tmp_path / "keras_home" / "keras.json").is_file()
    assert not (tmp_path / "home" / ".keras").exists()


# -- the compilation cache ---------------------------------------------------------------

def test_compiled_code_is_kept_on_disk_only_where_it_can_be_written(tmp_path):
    """setup_keras keeps XLA's compiled code in JAX_CACHE (the next kernel loads it instead of
    compiling again); where the folder cannot be made or written (course-grade's read-only
    environment), there is no cache and nothing reaches stderr."""
    env = clean_environ(tmp_path / "home")
    code = """
        from pathlib import Path
        import course_lib.frameworks.keras_env as keras_env
        keras_env.JAX_CACHE = Path({folder!r})
        keras = keras_env.setup_keras()
        import jax
        import jax.numpy as jnp
        print(jax.config.jax_compilation_cache_dir)
        jax.jit(lambda x: x * 3.0)(jnp.ones(3)).block_until_ready()
        """
    cache = tmp_path / "cache"
    out = run_python(code.format(folder=str(cache)), env, tmp_path)
    assert out.returncode == 0 and out.stderr == "", out.stderr
    assert out.stdout.strip() == str(cache)
    assert list(cache.glob("jit_*-cache"))  # written, for the next process
    unwritable = "/proc/no-cache-here"  # cannot be created, even by root
    out = run_python(code.format(folder=unwritable), env, tmp_path)
    assert out.returncode == 0 and out.stderr == "", out.stderr
    assert out.stdout.strip() == "None"
