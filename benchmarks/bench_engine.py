"""course_lib.engine.Value against micrograd (PyPI 0.1.0), same model code.

    .venv/bin/pip install micrograd==0.1.0    # for this benchmark only
    .venv/bin/python benchmarks/bench_engine.py

One training step of a 2-16-16-1 ReLU MLP on 100 points (forward over all
points, squared-error loss, backward, SGD update; about 68,000 nodes), written
once below and run with each engine's Value class.

Each engine trains in a process of its own: garbage one engine leaves for
Python's cyclic collector must not be charged to the other.  The processes
alternate (ours, micrograd, ours, ...) for ROUNDS rounds of STEPS steps each,
with the garbage collector on, as in normal use.  Both must produce the same
losses.  The report gives the median step time of each and their ratio.
Target (issue 3): ratio >= 10.
"""

import json
import os
import random
import statistics
import subprocess
import sys
import time

ROUNDS, STEPS = 5, 5


def make_model(Value, seed=0):
    rng = random.Random(seed)
    sizes = [2, 16, 16, 1]
    return [[([Value(rng.uniform(-1, 1)) for _ in range(sizes[i])], Value(0.0))
             for _ in range(sizes[i + 1])] for i in range(len(sizes) - 1)]


def forward(model, x):
    for k, layer in enumerate(model):
        outs = []
        for w, b in layer:
            z = sum((wi * xi for wi, xi in zip(w, x)), b)
            outs.append(z if k == len(model) - 1 else z.relu())
        x = outs
    return x[0]


def train_step(model, X, Y, lr=0.01):
    loss = sum((forward(model, x) - y) ** 2 for x, y in zip(X, Y)) * (1.0 / len(X))
    params = [p for layer in model for w, b in layer for p in w + [b]]
    for p in params:
        p.grad = 0.0
    loss.backward()
    for p in params:
        p.data -= lr * p.grad
    return loss.data


def data(n=100, seed=1):
    rng = random.Random(seed)
    X = [[rng.uniform(-2, 2), rng.uniform(-2, 2)] for _ in range(n)]
    Y = [1.0 if x0 * x1 > 0 else -1.0 for x0, x1 in X]
    return X, Y


def run_engine(name):
    """Train in this process with one engine; print step times and losses as JSON."""
    if name == "micrograd":
        from micrograd.engine import Value
    else:
        from course_lib.engine import Value
    X, Y = data()
    model = make_model(Value)
    times, losses = [], []
    for _ in range(STEPS):
        t = time.perf_counter()
        losses.append(train_step(model, X, Y))
        times.append(time.perf_counter() - t)
    print(json.dumps({"times": times, "losses": losses}))


def main():
    blas = {k: os.environ.get(k, "(unset)") for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    print(f"python {sys.version.split()[0]}, {blas}, {ROUNDS} rounds x {STEPS} steps per "
          "engine, one process per engine and round, GC on")
    times = {"course_lib": [], "micrograd": []}
    losses = {}
    for _ in range(ROUNDS):
        for name in times:
            out = subprocess.run([sys.executable, __file__, name], capture_output=True,
                                 text=True, check=True)
            result = json.loads(out.stdout)
            times[name] += result["times"]
            losses[name] = result["losses"]
    # same model code, same initial weights: the same losses, step by step
    assert all(abs(a - b) < 1e-9 for a, b in zip(losses["course_lib"], losses["micrograd"]))
    ours, theirs = statistics.median(times["course_lib"]), statistics.median(times["micrograd"])
    print(f"losses (both engines): {[round(v, 6) for v in losses['course_lib']]}")
    ratio = theirs / ours
    print(f"course_lib {ours * 1000:.0f} ms/step | micrograd {theirs * 1000:.0f} ms/step | "
          f"speed-up {ratio:.1f}x | target >= 10x: {'ok' if ratio >= 10 else 'MISSED'}")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        run_engine(sys.argv[1])
    else:
        main()
